"""Renewal decisions: what happens at a contract's end and on each extension option, who
decides it, by when, and what was decided; and the record of alerts sent about them.

A decision to make is *open* while its subject is undecided: an available option, or
the end of a running contract that no available option continues. Open decisions are
derived from the register (``OpenDecision.all_on(day)``); a ``RenewalDecision`` row
records what people add to one — an owner other than the contract manager, a due date
for a contract's end, and finally the outcome, when it was decided and the reference.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning.audited import AuditedQuerySet
from commissioning.models import Versioned

from .choices import RUNNING_STATUSES, OptionStatus
from .dates import _sensible_date, add_months, decision_date_for
from .money import ExtensionOption


class DecisionOutcome(models.TextChoices):
    EXTEND = "extend", "Extend"
    REPROCURE = "reprocure", "Re-procure"
    END = "end", "End"
    LAPSE = "lapse", "Let lapse"


# What recording an outcome on an option does to the option's status.
OPTION_STATUS_FOR_OUTCOME = {
    DecisionOutcome.REPROCURE: OptionStatus.DECLINED,
    DecisionOutcome.END: OptionStatus.DECLINED,
    DecisionOutcome.LAPSE: OptionStatus.LAPSED,
}


class DecisionState(models.TextChoices):
    DECIDED = "decided", "Decided"
    LAPSED_UNLESS_DECIDED = "lapsing", "Lapsed unless decided"
    OVERDUE = "overdue", "Overdue"
    DUE = "due", "Due"


class RenewalDecision(Versioned):
    """A decision on a contract's end (``end_date`` set) or on one extension option.

    Versioned, so its admin page refuses a save over someone else's (``commissioning.locking``).
    """

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="decisions"
    )
    option = models.OneToOneField(
        ExtensionOption,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decision",
    )
    end_date = models.DateField(
        null=True,
        blank=True,
        validators=[_sensible_date],
        help_text="For a decision on the contract's end: the end date it decides about.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal_decisions",
        help_text="Who must decide. With nobody named, the contract manager; with neither, "
        "the administrators are alerted.",
    )
    due_date = models.DateField(
        null=True,
        blank=True,
        validators=[_sensible_date],
        help_text="For a contract's end: the date to decide by, if not the default.",
    )
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True, validators=[_sensible_date])
    reference = models.CharField(
        "decision reference",
        max_length=100,
        blank=True,
        help_text="The PCC decision or meeting minute that records it.",
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = AuditedQuerySet.as_manager()

    class Meta:
        # No join in the default order: the admin locks the row (FOR UPDATE) by it, and
        # PostgreSQL refuses that on the nullable side of an outer join.
        ordering = ["contract_id", "end_date", "option_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "end_date"],
                condition=Q(option__isnull=True),
                name="one_decision_per_contract_end",
            ),
            models.CheckConstraint(
                condition=Q(option__isnull=True, end_date__isnull=False)
                | Q(option__isnull=False, end_date__isnull=True),
                name="decision_on_an_end_or_an_option",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", decided_on__isnull=True)
                | (~Q(outcome="") & Q(decided_on__isnull=False)),
                name="decided_decision_has_a_date",
            ),
        ]

    def __str__(self):
        subject = f"option {self.option_id}" if self.option_id else f"end {self.end_date}"
        return f"Decision on {subject}"

    @property
    def is_decided(self):
        return bool(self.outcome)

    def is_decided_on(self, day):
        """Decided by the end of ``day``: a decision recorded as decided later was still open
        then (``decided_on__lte=day`` in SQL, ``Contract.objects.end_decisions_open``)."""
        return self.is_decided and self.decided_on is not None and self.decided_on <= day

    def clean(self):
        if self.option_id and self.contract_id and self.option.contract_id != self.contract_id:
            raise ValidationError({"option": "Choose an extension option of this contract."})
        if bool(self.outcome) != bool(self.decided_on):
            raise ValidationError(
                {"decided_on": "Give the date it was decided with the outcome, or neither."}
            )
        # The register as of an earlier day counts a decision from the day it was decided
        # on (``is_decided_on``): a day still to come would leave it open today.
        if self.decided_on and self.decided_on > timezone.localdate():
            raise ValidationError(
                {"decided_on": "The date it was decided must be today or earlier."}
            )

    @transaction.atomic
    def record(self):
        """Save the decision; an outcome on an option also settles the option, in the same
        transaction: "extend" exercises it (``ExtensionOption.exercise()``), the others
        decline it or mark it lapsed."""
        option = self.option
        if option is not None and self.outcome:
            locked = ExtensionOption.objects.select_for_update().get(pk=option.pk)
            if self.outcome == DecisionOutcome.EXTEND:
                if locked.status != OptionStatus.EXERCISED:
                    option.exercise()
            elif locked.status == OptionStatus.AVAILABLE:
                if OPTION_STATUS_FOR_OUTCOME[self.outcome] == OptionStatus.DECLINED:
                    option.decline()
                else:
                    option.status = OptionStatus.LAPSED
                    option.decided_at = timezone.now()
                    option.save()
        self.full_clean()
        self.save()
        return self


class SentAlert(models.Model):
    """One alert sent about one decision at one lead time (0: the day it became overdue).

    The unique constraint is what stops a second run, or a second worker, sending it
    again: a run inserts the row first and only sends when the insert succeeded. A moved
    due date is a new row, so the alerts are worked out afresh for the new date.
    """

    subject = models.CharField(max_length=60, help_text="option:<id> or end:<contract id>")
    due_date = models.DateField()
    lead_months = models.PositiveSmallIntegerField()
    sent_on = models.DateField()
    recipients = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Sending alerts changes nothing a page or PDF shows: keep the cached ones.
    data_version_ignored = True

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "due_date", "lead_months"], name="alert_once_per_lead_time"
            )
        ]

    def __str__(self):
        return f"{self.subject} due {self.due_date}, {self.lead_months} months ahead"


class AlertPreference(models.Model):
    """A user's choice about decision alerts (without a row, they receive them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference"
    )
    receives_alerts = models.BooleanField(default=True)

    data_version_ignored = True

    def __str__(self):
        return f"{self.user}: alerts {'on' if self.receives_alerts else 'off'}"


def end_decision_date(end_date, notice_months):
    """A contract end's decision date: that of a period starting the day after the end."""
    return decision_date_for(end_date + datetime.timedelta(days=1), notice_months)


@dataclass
class OpenDecision:
    """A decision still to make on ``day``: about an option, or about a contract's end."""

    contract: object
    option: object = None
    record: RenewalDecision | None = None
    due: datetime.date | None = None
    day: datetime.date | None = None

    @property
    def key(self):
        """Stable name for alerts: option:<id>, or end:<contract id>:<end date>."""
        if self.option is not None:
            return f"option:{self.option.pk}"
        return f"end:{self.contract.pk}:{self.contract.end_date:%Y-%m-%d}"

    @property
    def slug(self):
        """Its name in the contract page's decision URL: option-<id>, or end."""
        return f"option-{self.option.pk}" if self.option is not None else "end"

    @property
    def owner(self):
        if self.record is not None and self.record.owner_id:
            return self.record.owner
        return self.contract.owner

    @property
    def about(self):
        if self.option is not None:
            return f"Extension option {self.option.period_label}"
        return "End of contract"

    @property
    def state(self):
        if self.option is not None and self.option.lapses_unless_decided(self.day, self.record):
            return DecisionState.LAPSED_UNLESS_DECIDED
        if self.due is not None and self.due < self.day:
            return DecisionState.OVERDUE
        return DecisionState.DUE

    @property
    def is_overdue(self):
        return self.state != DecisionState.DUE

    @property
    def has_ended(self):
        """Nothing is left to decide once the option's period or the contract has ended."""
        if self.contract.status not in RUNNING_STATUSES:
            return True
        if self.option is not None:
            return self.option.end_date < self.day
        return self.contract.end_date < self.day

    @classmethod
    def all_on(cls, day=None, within_months=None, owner=None):
        """Every open decision on ``day`` (due within ``within_months`` months, or overdue),
        soonest first; ``owner`` keeps only those a user owns. Two queries."""
        from .contract import Contract

        day = day or timezone.localdate()
        options = (
            ExtensionOption.objects.available_on(day)
            .with_decision_date()
            .filter(contract__archived_at__isnull=True)
            .select_related("contract", "contract__owner", "contract__lead_provider")
            .prefetch_related(
                Prefetch(
                    "decision",
                    queryset=RenewalDecision.objects.select_related("owner"),
                )
            )
        )
        ends = Contract.objects.current().end_decisions_open(day, owner=owner)
        if within_months is not None:
            limit = add_months(day, within_months)
            options = options.filter(Q(decision_date__lte=limit) | Q(start_date__lte=day))
            ends = ends.filter(end_decision_date__lte=limit)
        if owner is not None:
            options = options.filter(
                contract__in=Contract.objects.decisions_possibly_owned_by(owner)
            ).filter(
                Q(decision__owner=owner) | Q(decision__owner__isnull=True, contract__owner=owner)
            )
        decisions = [
            cls(
                contract=option.contract,
                option=option,
                record=getattr(option, "decision", None),
                due=option.decision_date,
                day=day,
            )
            for option in options
        ]
        for contract in ends:
            record = next(
                (r for r in contract.end_decision_records if r.end_date == contract.end_date),
                None,
            )
            decisions.append(
                cls(contract=contract, record=record, due=contract.end_decision_date, day=day)
            )
        decisions.sort(key=lambda decision: (decision.due, decision.contract.reference))
        return decisions
