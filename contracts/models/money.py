"""Money over dated periods: a contract's values and its extension options.

Values and extension options are stored as amounts over dated periods (a whole
financial year is simply 1 April to 31 March). Everything else about money —
value in a year, total, total with options, committed spend — is derived from
them, by properties for one contract and by QuerySet annotations for many.
"""

from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from commissioning import expressions
from commissioning.audited import AuditedQuerySet
from commissioning.formats import format_date, format_money
from commissioning.fy import FinancialYear, amount_in_year, to_pennies
from commissioning.models import Versioned

from .bodies import CommissioningBody, FundingStream
from .choices import COMMITTED_STATUSES, RUNNING_STATUSES, OptionStatus, Status
from .dates import _sensible_date, add_months, decision_date_for

MAX_AMOUNT = Decimal("999999999999.99")
MONEY_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("1000000000"))]


class DatedAmountQuerySet(AuditedQuerySet):
    def committed(self):
        """Amounts on awarded contracts still in the register (not archived, not planned,
        in procurement or terminated): what the dashboard counts as committed spend."""
        return self.filter(
            contract__archived_at__isnull=True, contract__status__in=COMMITTED_STATUSES
        )

    def in_year(self, year):
        """Rows whose period touches financial ``year``."""
        year = FinancialYear.parse(year)
        return self.filter(start_date__lte=year.end, end_date__gte=year.start)

    def total_in_year(self, year):
        """The sum of every row's amount apportioned to ``year``, computed in the database."""
        year = FinancialYear.parse(year)
        return to_pennies(
            self.in_year(year).aggregate(
                total=Coalesce(
                    Sum(expressions.amount_in_year(year)),
                    Value(Decimal(0)),
                    output_field=expressions.MONEY,
                )
            )["total"]
        )

    def totals_by_year(self, years, group_by=None):
        """Database totals per year, optionally grouped by a field; one query.

        Returns ``{group_value: {FinancialYear: Decimal}}`` (the group is None without ``group_by``).
        """
        years = [FinancialYear.parse(year) for year in years]
        if not years:
            return {}
        sums = {
            f"y{year.start_year}": Coalesce(
                Sum(
                    expressions.amount_in_year(year),
                    filter=Q(start_date__lte=year.end, end_date__gte=year.start),
                ),
                Value(Decimal(0)),
                output_field=expressions.MONEY,
            )
            for year in years
        }
        rows = self.filter(start_date__lte=max(years).end, end_date__gte=min(years).start)
        rows = rows.order_by()
        rows = rows.values(group_by).annotate(**sums) if group_by else [rows.aggregate(**sums)]
        return {
            (row[group_by] if group_by else None): {
                year: to_pennies(row[f"y{year.start_year}"] or 0) for year in years
            }
            for row in rows
        }


class DatedAmount(models.Model):
    """An amount of money spent evenly over a dated period (a financial year is 1 April–31 March)."""

    start_date = models.DateField(validators=[_sensible_date])
    end_date = models.DateField(validators=[_sensible_date])
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=MONEY_VALIDATORS)
    funding_stream = models.ForeignKey(
        FundingStream, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer = models.ForeignKey(
        CommissioningBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The body that pays this amount, if not the lead commissioner.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Atomic, so the contract's stored money, rewritten after the save
        # (stored_money), is written in the same transaction as the change.
        with transaction.atomic():
            super().save(*args, **kwargs)

    @property
    def financial_year(self):
        """The financial year when the period is exactly one; otherwise None."""
        if (
            self.start_date
            and self.end_date
            and FinancialYear.is_whole_year(self.start_date, self.end_date)
        ):
            return FinancialYear.containing(self.start_date)
        return None

    @property
    def period_label(self):
        year = self.financial_year
        if year:
            return str(year)
        return f"{format_date(self.start_date)} to {format_date(self.end_date)}"

    def amount_in(self, year):
        return amount_in_year(self.amount, self.start_date, self.end_date, year)

    def by_year(self):
        return {
            year: self.amount_in(year)
            for year in FinancialYear.spanning(self.start_date, self.end_date)
        }

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {
                    "end_date": f"The period ends ({format_date(self.end_date)}) before it starts "
                    f"({format_date(self.start_date)})."
                }
            )

    def set_financial_year(self, year):
        year = FinancialYear.parse(year)
        self.start_date, self.end_date = year.start, year.end


def _amount_constraints(prefix):
    return [
        models.CheckConstraint(condition=Q(amount__gte=0), name=f"{prefix}_amount_not_negative"),
        models.CheckConstraint(
            condition=Q(amount__lte=MAX_AMOUNT), name=f"{prefix}_amount_below_maximum"
        ),
        models.CheckConstraint(
            condition=Q(end_date__gte=F("start_date")), name=f"{prefix}_ends_after_it_starts"
        ),
    ]


class ContractValue(DatedAmount, Versioned):
    """Money committed to a contract for a period: one financial year, or any dated period."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="values"
    )

    history = HistoricalRecords()

    objects = DatedAmountQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "start_date"]
        constraints = _amount_constraints("value")
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            # ContractQuerySet.funded_by's EXISTS looks a contract's values up by both: with
            # only the one-column indexes SQLite (no statistics) took funding_stream's and read
            # every value of the stream for each contract (minutes at 100,000, h16l).
            models.Index(fields=["contract", "funding_stream"], name="value_contract_stream"),
        ]

    def __str__(self):
        return f"{self.period_label}: {format_money(self.amount)}"


def _overdue_on(day):
    # The overdue rule on rows annotated with decision_date; OptionQuerySet.overdue is its home.
    return Q(decision_date__lt=day) | Q(start_date__lte=day)


def _available_on(day):
    # The rule of OptionQuerySet.available_on, on rows annotated with settled_on.
    return Q(status=OptionStatus.AVAILABLE) | Q(settled_on__gt=day)


class OptionQuerySet(DatedAmountQuerySet):
    def available(self):
        return self.filter(status=OptionStatus.AVAILABLE)

    def with_settled_on(self):
        """Annotate ``settled_on``: the day an option stopped being available — the date
        its renewal decision was decided on when one is recorded, else the day it was
        exercised, declined or marked lapsed (``decided_at``); None when neither is known.

        The SQL twin of ``ExtensionOption.settled_day()``.
        """
        if "settled_on" in self.query.annotations:
            return self
        return self.annotate(
            settled_on=Coalesce(
                F("decision__decided_on"),
                TruncDate("decided_at"),
                output_field=models.DateField(),
            )
        )

    def available_on(self, day=None):
        """Options available on ``day`` (today): still available, or settled after that day
        (an option exercised in March was still to decide in January). One settled on no
        known day is read as it is now.

        The SQL twin of ``ExtensionOption.is_available_on()``.
        """
        day = day or timezone.localdate()
        return self.with_settled_on().filter(_available_on(day))

    def with_decision_date(self):
        """Annotate ``decision_date``: the one recorded, or by default the day before the
        option's period starts less the contract's notice period."""
        return self.annotate(
            decision_date=Coalesce(
                F("decision_due"),
                expressions.DecisionDate(F("start_date"), F("contract__notice_months")),
                output_field=models.DateField(),
            )
        )

    def overdue(self, day=None):
        """Available options undecided past their decision date on ``day``.

        An option whose period has begun with no decision is *lapsed unless decided*
        and counts as overdue too, until someone records the outcome.
        """
        day = day or timezone.localdate()
        return self.available_on(day).with_decision_date().filter(_overdue_on(day))

    def with_overdue(self, day=None):
        """Annotate ``is_overdue_on_day``: what ``overdue(day)`` selects, as a column (for
        lists that show overdue and upcoming decisions side by side)."""
        day = day or timezone.localdate()
        rows = self if "decision_date" in self.query.annotations else self.with_decision_date()
        return rows.with_settled_on().annotate(
            is_overdue_on_day=models.Case(
                models.When(_available_on(day) & _overdue_on(day), then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )

    def decisions_due_within(self, months, today=None):
        """Options available on ``today`` whose decision date falls within ``months`` months
        of it, or has passed (the overdue ones)."""
        today = today or timezone.localdate()
        return (
            self.available_on(today)
            .with_decision_date()
            .filter(Q(decision_date__lte=add_months(today, months)) | _overdue_on(today))
        )


class ExtensionOption(DatedAmount, Versioned):
    """An option to extend a contract for a further period, available until decided."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="options"
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=MONEY_VALIDATORS
    )
    status = models.CharField(
        max_length=20, choices=OptionStatus.choices, default=OptionStatus.AVAILABLE
    )
    decision_due = models.DateField(
        null=True, blank=True, validators=[_sensible_date], help_text="Deadline to decide."
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    objects = OptionQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "start_date"]
        constraints = _amount_constraints("option")
        indexes = [
            models.Index(fields=["status", "decision_due"]),
            # As ContractValue's: funded_by's EXISTS by contract and stream.
            models.Index(fields=["contract", "funding_stream"], name="option_contract_stream"),
        ]

    def __str__(self):
        amount = f": {format_money(self.amount)}" if self.amount is not None else ""
        return f"Option {self.period_label}{amount}"

    @property
    def is_available(self):
        return self.status == OptionStatus.AVAILABLE

    def settled_day(self, decision=None):
        """The day it stopped being available: its renewal decision's date when one is
        recorded, else the day it was exercised, declined or marked lapsed; None when it is
        available, or when neither is known. ``decision``: its RenewalDecision when the
        caller has it at hand (read from the option otherwise).

        The Python twin of ``OptionQuerySet.with_settled_on``.
        """
        if self.is_available:
            return None
        decision = decision or self.decision_record
        if decision is not None and decision.decided_on:
            return decision.decided_on
        return timezone.localdate(self.decided_at) if self.decided_at else None

    def is_available_on(self, day, decision=None):
        """Available on ``day``: still available, or settled after that day
        (``OptionQuerySet.available_on`` for many)."""
        if self.is_available:
            return True
        settled = self.settled_day(decision)
        return settled is not None and settled > day

    @property
    def decision_date(self):
        """The decision date recorded, or the default from the contract's notice period
        (``OptionQuerySet.with_decision_date`` is the SQL twin)."""
        if "_annotated_decision_date" in self.__dict__:
            return self._annotated_decision_date
        if self.decision_due:
            return self.decision_due
        if self.start_date is None:
            return None
        return decision_date_for(self.start_date, self.contract.notice_months)

    @decision_date.setter
    def decision_date(self, value):
        self._annotated_decision_date = value

    @property
    def decision_record(self):
        """Its ``RenewalDecision``, or None."""
        try:
            return self.decision
        except ObjectDoesNotExist:
            return None

    @property
    def decision_owner(self):
        """Who must decide: the owner named on its decision record, else the contract manager
        (None: nobody, and the administrators are told)."""
        try:
            record = self.decision
        except ObjectDoesNotExist:
            record = None
        if record is not None and record.owner_id:
            return record.owner
        return self.contract.owner

    @property
    def decision_date_is_default(self):
        return self.decision_due is None

    def lapses_unless_decided(self, day, decision=None):
        """Still available on ``day`` though its period has begun."""
        return (
            self.start_date is not None
            and self.start_date <= day
            and self.is_available_on(day, decision)
        )

    def is_overdue(self, day, decision=None):
        """``OptionQuerySet.overdue`` for one option."""
        if not self.is_available_on(day, decision) or self.decision_date is None:
            return False
        return self.decision_date < day or self.lapses_unless_decided(day, decision)

    def amount_in(self, year):
        if self.amount is None:
            return Decimal(0)
        return super().amount_in(year)

    def overlapped_value(self, values):
        """The first of ``values`` an available option's period overlaps, or None.

        An available option must extend beyond what is already committed; an
        exercised, declined or lapsed one is history and may lie anywhere.
        """
        if self.status != OptionStatus.AVAILABLE or not (self.start_date and self.end_date):
            return None
        return next(
            (
                value
                for value in values
                if value.start_date <= self.end_date and value.end_date >= self.start_date
            ),
            None,
        )

    @staticmethod
    def overlap_sentence(value):
        return (
            f"this option's period overlaps the contract's value for {value.period_label}: "
            "an option must extend beyond what is already committed."
        )

    def clean(self):
        super().clean()
        contract = getattr(self, "contract", None) if self.contract_id else None
        value = self.overlapped_value(contract.values.all()) if contract else None
        if value is not None:
            raise ValidationError({"start_date": capfirst(self.overlap_sentence(value))})

    def _contract_model(self):
        # Reached through the field because the contract module imports this one.
        return self._meta.get_field("contract").related_model

    @transaction.atomic
    def exercise(self, funding_stream=None, payer=None):
        """Exercise the option: its period and amount become a contract value and the end date moves."""
        contract = self._contract_model().objects.select_for_update().get(pk=self.contract_id)
        # Read the status again under the lock: a second click, or another
        # user's, must not commit the same option's money twice.
        self.status = ExtensionOption.objects.values_list("status", flat=True).get(pk=self.pk)
        if self.status != OptionStatus.AVAILABLE:
            raise ValidationError(
                f"This option is {self.get_status_display().lower()}: only an available option "
                "can be exercised."
            )
        # A late decision on a live contract just past its end is common; a
        # planned, ended or terminated contract has nothing to extend.
        if contract.status not in RUNNING_STATUSES:
            raise ValidationError(
                f"This contract is {contract.get_status_display().lower()}: only a live or "
                "extended contract can be extended."
            )
        if self.amount is not None:
            ContractValue.objects.create(
                contract=contract,
                start_date=self.start_date,
                end_date=self.end_date,
                amount=self.amount,
                funding_stream=funding_stream or self.funding_stream,
                payer=payer or self.payer,
                note=f"Extension option exercised {format_date(timezone.localdate())}",
            )
        if contract.end_date is None or contract.end_date < self.end_date:
            contract.end_date = self.end_date
        if contract.status == Status.LIVE:
            contract.status = Status.EXTENDED
        contract.save()
        self.status = OptionStatus.EXERCISED
        self.decided_at = timezone.now()
        self.save()
        self.contract = contract
        return contract

    @transaction.atomic
    def decline(self):
        """Decline the option: it no longer counts towards the maximum end date or value."""
        # Lock as exercise() does, so an option is never both exercised and declined.
        self._contract_model().objects.select_for_update().get(pk=self.contract_id)
        self.status = ExtensionOption.objects.values_list("status", flat=True).get(pk=self.pk)
        if self.status != OptionStatus.AVAILABLE:
            raise ValidationError("Only an available option can be declined.")
        self.status = OptionStatus.DECLINED
        self.decided_at = timezone.now()
        self.save()
