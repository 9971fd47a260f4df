"""What the workbook drafting remembers between uploads."""

from django.db import models


class HeadingMapping(models.Model):
    """How one office's own spreadsheet heading is read, as the person last corrected it.

    ``field`` is a field of ``contracts.workbook.office_layout.FIELDS`` by name, or
    blank for a heading the person chose not to read. The next draft from the
    same office reads the heading this way before trying the synonyms.
    """

    office = models.CharField(max_length=200)
    heading = models.CharField(max_length=200, help_text="The heading, as compared: lower case.")
    field = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "heading"], name="one_mapping_per_heading")
        ]

    def __str__(self):
        return f"{self.office}: “{self.heading}” → {self.field or 'not read'}"

    @classmethod
    def remembered(cls, office=None):
        """``{heading key: field}`` for ``office`` (the register's own office by default)."""
        from django.conf import settings

        office = office or settings.OPCC_NAME
        return dict(cls.objects.filter(office=office).values_list("heading", "field"))

    @classmethod
    def remember(cls, office, choices):
        """Store ``{heading key: field}`` the person chose for ``office``."""
        for heading, field in choices.items():
            cls.objects.update_or_create(
                office=office, heading=heading[:200], defaults={"field": field}
            )
