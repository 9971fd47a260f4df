"""What happens to a contract after award: its changes, and the notices published about it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from commissioning.audited import AuditedQuerySet
from commissioning.formats import format_date

from .choices import ChangeGround, NoticeType
from .dates import _sensible_date
from .money import MONEY_VALIDATORS

# A change beyond either threshold needs a contract change notice (UK10) under the
# Procurement Act 2023: more than 10% of the value (goods and services), or more than
# 10% of the maximum term.
CHANGE_NOTICE_THRESHOLD_PERCENT = Decimal(10)


class ContractChange(models.Model):
    """A dated modification of a contract: value and term before and after, and on what ground."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="changes"
    )
    made_on = models.DateField(
        "takes effect", validators=[_sensible_date], help_text="The day the change takes effect."
    )
    description = models.TextField(help_text="What changed, as published.")
    value_before = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=MONEY_VALIDATORS
    )
    value_after = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=MONEY_VALIDATORS
    )
    end_before = models.DateField(
        "end date before", null=True, blank=True, validators=[_sensible_date]
    )
    end_after = models.DateField(
        "end date after", null=True, blank=True, validators=[_sensible_date]
    )
    ground = models.CharField(max_length=30, choices=ChangeGround.choices, blank=True)
    decision_reference = models.CharField(
        max_length=100, blank=True, help_text="The decision that authorised the change."
    )

    history = HistoricalRecords()
    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "made_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_before__isnull=True) | Q(value_before__gte=0),
                name="change_value_before_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value_after__isnull=True) | Q(value_after__gte=0),
                name="change_value_after_not_negative",
            ),
        ]

    def __str__(self):
        return f"Change of {format_date(self.made_on)}"

    @property
    def value_change_percent(self):
        """The value change as a percentage of the value before (unrounded); None unless both
        are known."""
        if self.value_before is None or self.value_after is None or not self.value_before:
            return None
        return (self.value_after - self.value_before) * 100 / self.value_before

    @property
    def term_change_percent(self):
        """The change of end date as a percentage of the term before it (start to end before)."""
        start = self.contract.start_date
        if not (start and self.end_before and self.end_after) or self.end_before <= start:
            return None
        term_days = (self.end_before - start).days + 1
        return Decimal((self.end_after - self.end_before).days) * 100 / term_days

    @property
    def needs_change_notice(self):
        """A change notice (UK10) is due for a contract procured under the Act, not light-touch,
        when the value or the term moves by more than 10%."""
        contract = self.contract
        if not contract.under_procurement_act or contract.light_touch:
            return False
        return any(
            percent is not None and abs(percent) > CHANGE_NOTICE_THRESHOLD_PERCENT
            for percent in (self.value_change_percent, self.term_change_percent)
        )


class Notice(models.Model):
    """A notice the office has published about a contract: its type, id, link and date.

    Recording one clears the matching duty on the publication report.
    """

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="notices"
    )
    notice_type = models.CharField(max_length=20, choices=NoticeType.choices)
    notice_id = models.CharField(
        "notice identifier",
        max_length=100,
        blank=True,
        help_text="e.g. the Find a Tender notice number 2025/S 000-012345.",
    )
    url = models.URLField("link", max_length=500, blank=True)
    published_on = models.DateField(validators=[_sensible_date])
    change = models.ForeignKey(
        ContractChange,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
        help_text="For a change notice: the change it publishes.",
    )

    history = HistoricalRecords()
    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "published_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(change__isnull=True) | Q(notice_type=NoticeType.UK10),
                name="notice_change_only_on_change_notices",
            ),
        ]

    def __str__(self):
        label = NoticeType(self.notice_type).label
        return f"{label} {self.notice_id}".strip()

    def clean(self):
        if self.change_id and self.notice_type != NoticeType.UK10:
            raise ValidationError({"change": "Only a change notice (UK10) publishes a change."})
        if self.change_id and self.contract_id and self.change.contract_id != self.contract_id:
            raise ValidationError({"change": "That change belongs to another contract."})
