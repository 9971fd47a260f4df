"""Behaviour shared by the register's models."""

from django.utils import timezone


class Archivable:
    """Archived, not deleted: an archived record leaves the register pages but keeps its history.

    For models with an ``archived_at`` DateTimeField and an ``updated_at`` field.
    """

    @property
    def is_archived(self):
        return self.archived_at is not None

    def archive(self):
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self):
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])
