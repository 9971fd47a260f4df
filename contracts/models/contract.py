"""Contracts and the providers on them; status and money derived from dates, values and options."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning import expressions
from commissioning.fy import FinancialYear
from commissioning.models import Archivable

from .bodies import Category, Cohort, CommissioningBody
from .choices import RUNNING_STATUSES, AgreementType, OptionStatus, ProcurementRoute, Status
from .dates import _sensible_date, add_months
from .money import ContractValue, ExtensionOption


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


class Contract(Archivable, models.Model):
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
