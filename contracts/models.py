"""Contracts, who commissions and pays for them, and what they are worth.

Values and extension options are stored as amounts over dated periods (a whole
financial year is simply 1 April to 31 March). Everything else about money —
value in a year, total, total with options, committed spend — is derived from
them, by properties for one contract and by QuerySet annotations for many.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning import expressions
from commissioning.fy import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    FinancialYear,
    amount_in_year,
    to_pennies,
)

MAX_AMOUNT = Decimal("999999999999.99")
MONEY_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("1000000000"))]
EARLIEST_DATE = datetime.date(EARLIEST_YEAR, 4, 1)
LATEST_DATE = datetime.date(LATEST_YEAR + 1, 3, 31)


def _sensible_date(value):
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"{value:%d %B %Y} is outside the dates the register holds "
            f"({EARLIEST_DATE:%d %B %Y} to {LATEST_DATE:%d %B %Y})."
        )


class NamedQuerySet(models.QuerySet):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class BodyKind(models.TextChoices):
    PCC = "pcc", "Police and crime commissioner"
    COUNTY_COUNCIL = "county_council", "County council"
    UNITARY_COUNCIL = "unitary_council", "Unitary authority"
    CITY_COUNCIL = "city_council", "City council"
    DISTRICT_COUNCIL = "district_council", "District or borough council"
    NHS = "nhs", "NHS body"
    POLICE = "police", "Police force"
    GOVERNMENT = "government", "Government department"
    OTHER = "other", "Other"


class CommissioningBody(models.Model):
    """A body that commissions or pays for services: the PCC's office, a council, NHS England."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=BodyKind.choices, default=BodyKind.OTHER)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "commissioning bodies"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class FundingStream(models.Model):
    """A named source of money: PCC core budget, MoJ victims grant, Safer Streets Fund 4."""

    name = models.CharField(max_length=200, unique=True)
    provided_by = models.ForeignKey(
        CommissioningBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_streams",
        help_text="The body the money comes from, e.g. the Ministry of Justice.",
    )
    description = models.TextField(blank=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class Category(models.Model):
    """A heading the register groups services under (the seed table's *Type*)."""

    name = models.CharField(max_length=200, unique=True)
    order = models.PositiveIntegerField(default=0, help_text="Position in schedules.")

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class Cohort(models.Model):
    """Who a service is for: victims of domestic abuse, perpetrators, young people …"""

    name = models.CharField(max_length=200, unique=True)

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)


class AgreementType(models.TextChoices):
    CONTRACT = "contract", "Contract"
    GRANT = "grant", "Grant agreement"
    MOU = "mou", "Memorandum of understanding"
    SLA = "sla", "Service level agreement"


class ProcurementRoute(models.TextChoices):
    OPEN_TENDER = "open_tender", "Open tender"
    QUOTATION = "quotation", "Invitation to quote"
    DIRECT_AWARD = "direct_award", "Direct award"
    GRANT_ROUND = "grant_round", "Grant funding round"
    FRAMEWORK = "framework", "Framework call-off"
    PARTNERSHIP = "partnership", "Partnership agreement"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    """Where a contract is in its life. ``ended`` is also derived once a live contract's end passes."""

    PLANNED = "planned", "Planned"
    PROCUREMENT = "procurement", "In procurement"
    LIVE = "live", "Live"
    EXTENDED = "extended", "Extended"
    ENDED = "ended", "Ended"
    TERMINATED = "terminated", "Terminated"


RUNNING_STATUSES = (Status.LIVE, Status.EXTENDED)
# Awarded contracts: their money is committed. Planned and in-procurement
# services are not yet, and a terminated contract's money no longer is.
COMMITTED_STATUSES = (Status.LIVE, Status.EXTENDED, Status.ENDED)


class ContractQuerySet(models.QuerySet):
    def current(self):
        """Contracts not archived: the ones the register pages list."""
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def with_status(self, today=None):
        """Annotate ``current_status``: a live or extended contract whose end date has passed is ended."""
        today = today or timezone.localdate()
        return self.annotate(
            current_status=models.Case(
                models.When(
                    status__in=RUNNING_STATUSES, end_date__lt=today, then=Value(Status.ENDED)
                ),
                default=F("status"),
                output_field=models.CharField(),
            )
        )

    def in_status(self, *statuses, today=None):
        """Contracts whose derived status is one of ``statuses``."""
        return self.with_status(today).filter(current_status__in=statuses)

    def live(self, today=None):
        """Contracts running today: live or extended, and not past their end date."""
        today = today or timezone.localdate()
        return self.filter(status__in=RUNNING_STATUSES).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )

    def ending_within(self, months, today=None):
        """Running contracts whose end date falls between today and ``months`` months from now."""
        today = today or timezone.localdate()
        return self.live(today).filter(end_date__lte=add_months(today, months))

    def active_in(self, year):
        """Contracts with any value or any running time inside financial ``year``."""
        year = FinancialYear.parse(year)
        has_value = ContractValue.objects.filter(
            contract=OuterRef("pk"), start_date__lte=year.end, end_date__gte=year.start
        )
        dated = (Q(start_date__lte=year.end) | Q(start_date__isnull=True)) & (
            Q(end_date__gte=year.start) | Q(end_date__isnull=True)
        )
        has_dates = Q(start_date__isnull=False) | Q(end_date__isnull=False)
        return self.filter(Exists(has_value) | (has_dates & dated))

    def with_value_in(self, year, name="value_in_year"):
        """Annotate each contract with its value apportioned to financial ``year``."""
        year = FinancialYear.parse(year)
        per_contract = (
            ContractValue.objects.filter(
                contract=OuterRef("pk"), start_date__lte=year.end, end_date__gte=year.start
            )
            .order_by()
            .values("contract")
            .annotate(total=Sum(expressions.amount_in_year(year)))
            .values("total")
        )
        return self.annotate(
            **{
                name: Coalesce(
                    Subquery(per_contract, output_field=expressions.MONEY),
                    Value(Decimal(0)),
                    output_field=expressions.MONEY,
                )
            }
        )

    def with_totals(self):
        """Annotate ``total_amount`` (all values) and ``options_amount`` (options still available).

        ``Contract.total_value`` and ``Contract.options_value`` read these when present.
        """
        values = (
            ContractValue.objects.filter(contract=OuterRef("pk"))
            .order_by()
            .values("contract")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        options = (
            ExtensionOption.objects.filter(contract=OuterRef("pk"), status=OptionStatus.AVAILABLE)
            .order_by()
            .values("contract")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(
            total_amount=Coalesce(
                Subquery(values, output_field=expressions.MONEY),
                Value(Decimal(0)),
                output_field=expressions.MONEY,
            ),
            options_amount=Coalesce(
                Subquery(options, output_field=expressions.MONEY),
                Value(Decimal(0)),
                output_field=expressions.MONEY,
            ),
        )

    def with_options_remaining(self):
        """Annotate ``has_options_remaining``: the contract has an option still available.

        An option whose decision date has passed still counts until it is marked lapsed,
        as ``Contract.options_remaining`` counts it.
        """
        return self.annotate(
            has_options_remaining=Exists(
                ExtensionOption.objects.filter(
                    contract=OuterRef("pk"), status=OptionStatus.AVAILABLE
                )
            )
        )

    def for_provider(self, provider):
        """Contracts a provider holds, as lead or as partner."""
        return self.filter(Q(lead_provider=provider) | Q(partners__provider=provider)).distinct()

    def for_body(self, body):
        """Contracts a body commissions, as lead or as co-commissioner."""
        return self.filter(Q(lead_commissioner=body) | Q(co_commissioners=body)).distinct()


def add_months(day, months):
    """The same day ``months`` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Contract(models.Model):
    """A commissioned service: one agreement with a lead provider, its values and outcomes."""

    reference = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Short unique reference used in links, e.g. VS-CORE. Letters, digits and hyphens.",
    )
    title = models.CharField(max_length=300)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="contracts")
    cohorts = models.ManyToManyField(Cohort, blank=True, related_name="contracts")
    description = models.TextField(blank=True, help_text="Published description of the service.")
    agreement_type = models.CharField(
        max_length=20, choices=AgreementType.choices, default=AgreementType.CONTRACT
    )
    procurement_route = models.CharField(
        max_length=20, choices=ProcurementRoute.choices, blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LIVE)
    status_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Published remark on the status, e.g. “currently at invitation to quote stage”.",
    )
    start_date = models.DateField(null=True, blank=True, validators=[_sensible_date])
    end_date = models.DateField(null=True, blank=True, validators=[_sensible_date])
    value_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Published remark on the value, e.g. “Negotiated yearly under an MOU”.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_lines",
        help_text="The main contract this is a sub-line or variation of.",
    )
    lead_provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="led_contracts"
    )
    lead_provider_area = models.CharField(max_length=100, blank=True)
    lead_commissioner = models.ForeignKey(
        CommissioningBody, on_delete=models.PROTECT, related_name="led_contracts"
    )
    co_commissioners = models.ManyToManyField(
        CommissioningBody, blank=True, related_name="co_commissioned_contracts"
    )
    decision_reference = models.CharField(
        max_length=100, blank=True, help_text="The PCC decision that authorised it."
    )
    contract_manager = models.CharField(max_length=200, blank=True)
    internal_notes = models.TextField(
        blank=True, help_text="Internal remarks for staff. Never shown in published schedules."
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "category__name", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="contract_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="contract_not_its_own_parent"
            ),
        ]
        indexes = [
            models.Index(fields=["end_date"]),
            models.Index(fields=["status", "end_date"]),
            models.Index(fields=["title"]),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("contracts:detail", args=[self.reference])

    def natural_key(self):
        return (self.reference,)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = (
                f"The end date ({self.end_date:%d %B %Y}) is before the start date "
                f"({self.start_date:%d %B %Y})."
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = "A contract cannot be a sub-line of itself."
        elif self.parent_id and self.pk:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.parent_id == self.pk:
                    errors["parent"] = "That parent is itself a sub-line of this contract."
                    break
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if errors:
            raise ValidationError(errors)

    # Status and dates ---------------------------------------------------

    @property
    def current_status(self):
        """The status today: a live or extended contract whose end date has passed is ended."""
        if "_annotated_status" in self.__dict__:
            return self._annotated_status
        if (
            self.status in RUNNING_STATUSES
            and self.end_date
            and self.end_date < timezone.localdate()
        ):
            return Status.ENDED
        return self.status

    @current_status.setter
    def current_status(self, value):
        # ``with_status()`` annotates rows under this name; keep the database's
        # answer, which may have been computed for a day other than today.
        self._annotated_status = value

    @property
    def current_status_label(self):
        return Status(self.current_status).label

    @property
    def days_to_end(self):
        """Days from today to the end date (negative once past); None if the end is unknown."""
        if self.end_date is None:
            return None
        return (self.end_date - timezone.localdate()).days

    @property
    def is_archived(self):
        return self.archived_at is not None

    def archive(self):
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self):
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])

    # Money, derived from the stored values and options -------------------
    # These read ``self.values.all()`` and ``self.options.all()`` so a
    # prefetch_related("values", "options") makes them free.

    @property
    def total_value(self):
        """The contract's value: the sum of its stored values (never a typed total)."""
        if "total_amount" in self.__dict__:
            return self.total_amount
        return sum((value.amount for value in self.values.all()), Decimal(0))

    def value_in(self, year):
        """The contract's value apportioned to financial ``year``."""
        year = FinancialYear.parse(year)
        return sum((value.amount_in(year) for value in self.values.all()), Decimal(0))

    @property
    def value_this_year(self):
        return self.value_in(FinancialYear.current())

    @property
    def annual_value(self):
        """Value in the current financial year, or in the latest year with a value if none now."""
        current = self.value_this_year
        if current:
            return current
        years = self.values_by_year()
        return years[max(years)] if years else Decimal(0)

    def values_by_year(self):
        """``{FinancialYear: Decimal}`` for every year the values touch, in order."""
        totals = {}
        for value in self.values.all():
            for year, share in value.by_year().items():
                totals[year] = totals.get(year, Decimal(0)) + share
        return dict(sorted(totals.items()))

    @property
    def options_remaining(self):
        return [option for option in self.options.all() if option.is_available]

    @property
    def options_value(self):
        """The value of the options still available."""
        if "options_amount" in self.__dict__:
            return self.options_amount
        return sum((option.amount or Decimal(0) for option in self.options_remaining), Decimal(0))

    @property
    def total_value_with_options(self):
        """Total value if every option still available were exercised."""
        return self.total_value + self.options_value

    @property
    def max_end_date(self):
        """The latest end date the contract could reach if every available option were exercised."""
        ends = [option.end_date for option in self.options_remaining]
        if self.end_date:
            ends.append(self.end_date)
        return max(ends) if ends else None


class ContractPartner(models.Model):
    """A provider delivering part of a contract beside the lead, e.g. in one area of the county."""

    class Role(models.TextChoices):
        PARTNER = "partner", "Delivery partner"
        SUBCONTRACTOR = "subcontractor", "Subcontractor"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="partners")
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    area = models.CharField(max_length=100, blank=True, help_text="e.g. North, West, South.")
    description = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "area", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "provider", "area"], name="partner_once_per_area"
            ),
        ]

    def __str__(self):
        area = f" ({self.area})" if self.area else ""
        return f"{self.provider}{area}"


class DatedAmountQuerySet(models.QuerySet):
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
        return f"{self.start_date:%-d %B %Y} to {self.end_date:%-d %B %Y}"

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
                    "end_date": f"The period ends ({self.end_date:%d %B %Y}) before it starts "
                    f"({self.start_date:%d %B %Y})."
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


class ContractValue(DatedAmount):
    """Money committed to a contract for a period: one financial year, or any dated period."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="values")

    history = HistoricalRecords()

    objects = DatedAmountQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "start_date"]
        constraints = _amount_constraints("value")
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self):
        return f"{self.period_label}: £{self.amount:,}"


class OptionStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    EXERCISED = "exercised", "Exercised"
    DECLINED = "declined", "Declined"
    LAPSED = "lapsed", "Lapsed"


class OptionQuerySet(DatedAmountQuerySet):
    def available(self):
        return self.filter(status=OptionStatus.AVAILABLE)

    def decisions_due_within(self, months, today=None):
        """Available options whose decision deadline falls within ``months`` months (or is overdue)."""
        today = today or timezone.localdate()
        return self.available().filter(decision_due__lte=add_months(today, months))


class ExtensionOption(DatedAmount):
    """An option to extend a contract for a further period, available until decided."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="options")
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
        indexes = [models.Index(fields=["status", "decision_due"])]

    def __str__(self):
        amount = f": £{self.amount:,}" if self.amount is not None else ""
        return f"Option {self.period_label}{amount}"

    @property
    def is_available(self):
        return self.status == OptionStatus.AVAILABLE

    def amount_in(self, year):
        if self.amount is None:
            return Decimal(0)
        return super().amount_in(year)

    def clean(self):
        super().clean()
        contract = getattr(self, "contract", None) if self.contract_id else None
        if contract and self.start_date and self.end_date and self.status == OptionStatus.AVAILABLE:
            for value in contract.values.all():
                if value.start_date <= self.end_date and value.end_date >= self.start_date:
                    raise ValidationError(
                        {
                            "start_date": f"This option's period overlaps the contract's value for "
                            f"{value.period_label}: an option must extend beyond what is already "
                            "committed."
                        }
                    )

    @transaction.atomic
    def exercise(self, funding_stream=None, payer=None):
        """Exercise the option: its period and amount become a contract value and the end date moves."""
        contract = Contract.objects.select_for_update().get(pk=self.contract_id)
        # Read the status again under the lock: a second click, or another
        # user's, must not commit the same option's money twice.
        self.status = ExtensionOption.objects.values_list("status", flat=True).get(pk=self.pk)
        if self.status != OptionStatus.AVAILABLE:
            raise ValidationError(
                f"This option is {self.get_status_display().lower()}: only an available option "
                "can be exercised."
            )
        if self.amount is not None:
            ContractValue.objects.create(
                contract=contract,
                start_date=self.start_date,
                end_date=self.end_date,
                amount=self.amount,
                funding_stream=funding_stream or self.funding_stream,
                payer=payer or self.payer,
                note=f"Extension option exercised {timezone.localdate():%-d %B %Y}",
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
        Contract.objects.select_for_update().get(pk=self.contract_id)
        self.status = ExtensionOption.objects.values_list("status", flat=True).get(pk=self.pk)
        if self.status != OptionStatus.AVAILABLE:
            raise ValidationError("Only an available option can be declined.")
        self.status = OptionStatus.DECLINED
        self.decided_at = timezone.now()
        self.save()
