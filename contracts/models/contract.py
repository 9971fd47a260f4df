"""Contracts and the providers on them; status and money derived from dates, values and options."""

import datetime
import functools
import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    StringAgg,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning import expressions
from commissioning.audited import AuditedQuerySet
from commissioning.dataversion import register_version
from commissioning.formats import format_date
from commissioning.fy import FinancialYear
from commissioning.models import Archivable, ArchivableQuerySet, Versioned

from .bodies import Category, Cohort, CommissioningBody
from .choices import (
    COMMITTED_STATUSES,
    RUNNING_STATUSES,
    AgreementType,
    EndingReason,
    OptionStatus,
    ProcurementRoute,
    Status,
    Threshold,
)
from .dates import _sensible_date, add_months, default_notice_months
from .decisions import OpenDecision, RenewalDecision, end_decision_date
from .money import MONEY_VALIDATORS, ContractValue, ExtensionOption

# Statuses a published record may have: awarded, running or over. Planned services
# and ones still in procurement are drafts, never published as contracts.
PUBLISHABLE_STATUSES = (*COMMITTED_STATUSES, Status.TERMINATED)

# "Ending soon": a running contract whose end date falls within the longest of
# these bands of months; the dashboard lists them band by band, admin filters by them.
ENDING_SOON_BANDS = (3, 6, 12)


# How long a register page's count and keys stay cached (under the data version, so a
# change is never hidden: it moves the version and so the key).
REGISTER_CACHE_SECONDS = 600

# Joins a list of names in one column; a character no name contains.
NAME_SEPARATOR = "\x1f"

# What ``with_earlier_decisions`` reads of each decision recorded on an earlier end date.
EARLIER_DECISION_FIELDS = ("end_date", "due_date", "outcome", "decided_on", "reference", "note")


class ContractQuerySet(ArchivableQuerySet, AuditedQuerySet):
    _late_rows = False
    _register_version = None

    def late_rows(self):
        """Slices (a page) fetch in two steps: the page's primary keys by a narrow query of
        the filters and the order alone (an index can serve it; the wide rows and their
        annotations are never sorted), then those rows with everything the page shows.

        The two narrow answers, the count and the page's keys, are kept in the cache under
        the register's data version (``register_version()``: today's date and a counter the
        database moves with every change) and the query itself, as the dashboard's figures
        are: an unchanged register answers them without counting or sorting its contracts
        again; the first request after any change computes them afresh. The rows themselves
        are always read."""
        clone = self._chain()
        clone._late_rows = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._late_rows = self._late_rows
        clone._register_version = self._register_version
        return clone

    def _kept_under_version(self, kind, query, compute):
        if self._register_version is None:
            self._register_version = register_version()  # one read, shared by count and keys
        try:
            sql, params = query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing: nothing to count or keep
            return compute()
        digest = hashlib.sha256(f"{kind}\n{sql}\n{params!r}".encode()).hexdigest()
        return cache.get_or_set(
            f"register:{digest}:{self._register_version}", compute, REGISTER_CACHE_SECONDS
        )

    def count(self):
        if not (self._late_rows and self._result_cache is None):
            return super().count()
        return self._kept_under_version("count", self.query, super().count)

    def __getitem__(self, key):
        if not (self._late_rows and isinstance(key, slice) and self._result_cache is None):
            return super().__getitem__(key)
        page = super().__getitem__(key)
        page._late_rows = False
        page_keys = page.values_list("pk", flat=True)
        keys = self._kept_under_version("keys", page_keys.query, lambda: list(page_keys))
        rows = self.filter(pk__in=keys).order_by()
        rows._late_rows = False
        found = {row.pk: row for row in rows}
        return [found[pk] for pk in keys if pk in found]

    def with_names(self, *relations):
        """Annotate ``<relation>_names``: the names in each many-to-many list (cohorts,
        co-commissioners) joined in the same query, for pages that print the names only.

        Read them back as a sorted list with ``Contract.names_in(relation)``.
        """
        annotations = {}
        for relation in relations:
            field = self.model._meta.get_field(relation)
            back = field.related_query_name()
            names = (
                field.related_model.objects.filter(**{back: OuterRef("pk")})
                .order_by()
                .values(back)
                .annotate(joined=StringAgg("name", delimiter=Value(NAME_SEPARATOR)))
                .values("joined")
            )
            annotations[f"{relation}_names"] = Subquery(names, output_field=models.TextField())
        return self.annotate(**annotations)

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

    def ending_within(self, months, day=None):
        """Running contracts whose end date falls from ``day`` (today by default) to ``months``
        months after it, both days included."""
        day = day or timezone.localdate()
        return self.live(day).filter(end_date__lte=add_months(day, months))

    def ending_soon(self, day=None):
        """Running contracts ending within the longest "ending soon" band (12 months)."""
        return self.ending_within(ENDING_SOON_BANDS[-1], day)

    def with_ending_band(self, day=None):
        """Annotate ``ending_within_months``: the shortest band of ENDING_SOON_BANDS (3, 6 or 12 months)
        a running contract's end date falls within, counted from ``day``; None for the rest.

        The SQL twin of ``Contract.ending_band()``.
        """
        day = day or timezone.localdate()
        running = Q(status__in=RUNNING_STATUSES, end_date__gte=day)
        return self.annotate(
            ending_within_months=models.Case(
                *[
                    models.When(running & Q(end_date__lte=add_months(day, months)), then=months)
                    for months in ENDING_SOON_BANDS
                ],
                default=None,
                output_field=models.IntegerField(),
            )
        )

    def for_register(self, day=None):
        """The register as listed on ``day`` (today by default): current contracts with their
        derived status, total, options' value and value in ``day``'s financial year
        (``value_in_current_year``), and the category and lead provider every row shows."""
        day = day or timezone.localdate()
        return (
            self.current()
            .select_related("category", "lead_provider")
            .with_status(day)
            .with_stored_money(FinancialYear.containing(day), name="value_in_current_year")
        )

    def with_earlier_decisions(self):
        """Annotate ``earlier_decisions_json``: the decisions recorded on an end date the
        contract no longer has (its end date was moved since), with their owners' names, as
        JSON objects joined in the contract's own query, for a page with no query to spare.

        Read them back with ``Contract.earlier_decisions()``.
        """
        owner = {
            "owner_id": F("owner"),
            "owner_username": F("owner__username"),
            "owner_first_name": F("owner__first_name"),
            "owner_last_name": F("owner__last_name"),
        }
        rows = (
            RenewalDecision.objects.filter(contract=OuterRef("pk"), option__isnull=True)
            .exclude(end_date=OuterRef("end_date"))
            .order_by()
            .values("contract")
            .annotate(
                joined=StringAgg(
                    Cast(
                        JSONObject(
                            pk=F("pk"),
                            **{field: F(field) for field in EARLIER_DECISION_FIELDS},
                            **owner,
                        ),
                        models.TextField(),
                    ),
                    delimiter=Value(NAME_SEPARATOR),
                )
            )
            .values("joined")
        )
        return self.annotate(earlier_decisions_json=Subquery(rows, output_field=models.TextField()))

    def with_printed_relations(self):
        """Everything a contract's page, PDF or workbook rows print, fetched in a fixed number of
        queries however many contracts there are: category, providers and partners,
        commissioners, cohorts, values and options (with their streams and payers), outcomes
        (with their measures) and current sub-lines."""
        return self.select_related(
            "category", "lead_provider", "lead_commissioner", "parent"
        ).prefetch_related(
            "cohorts",
            "co_commissioners",
            *self.model.printed_parts(),
            Prefetch(
                "sub_lines",
                queryset=self.model.objects.current()
                .select_related("lead_provider")
                .order_by("reference"),
            ),
        )

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

    def with_stored_money(self, year, name="value_in_current_year"):
        """Annotate ``total_amount``, ``options_amount`` and the value in financial ``year``
        (as ``name``) from the stored money (``stored_money.py``): joins on indexed tables, no
        apportioning per row, so lists of any size sort and filter by them cheaply.

        The same figures ``with_totals()`` and ``with_value_in()`` compute from the values.
        Every contract has its ``ContractMoney`` row (written with it), so it is an inner
        join and the totals are its bare columns: sorting by total walks the index on it.
        """
        year = FinancialYear.parse(year)
        zero = Value(Decimal(0), output_field=expressions.MONEY)
        return self.filter(money__isnull=False).annotate(
            share_in_year=FilteredRelation(
                "year_shares", condition=Q(year_shares__year=year.start_year)
            ),
            total_amount=F("money__total_amount"),
            options_amount=F("money__options_amount"),
            **{name: Coalesce(F("share_in_year__amount"), zero, output_field=expressions.MONEY)},
        )

    def with_total_between(self, low=None, high=None):
        """Contracts whose total value is at least ``low`` and at most ``high`` (stored money)."""
        if low is not None:
            self = self.filter(money__total_amount__gte=low)
        if high is not None:
            self = self.filter(money__total_amount__lte=high)
        return self

    def with_options_left(self, remaining=True):
        """Contracts with (or without) an extension option still available (stored money)."""
        return self.filter(money__options_remaining=remaining)

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

    def published(self, today=None):
        """Published records: marked published, from their date on, not archived, and awarded
        (never planned or in procurement)."""
        today = today or timezone.localdate()
        return self.current().filter(
            Q(published_from__isnull=True) | Q(published_from__lte=today),
            is_published=True,
            status__in=PUBLISHABLE_STATUSES,
        )

    def grants(self):
        """Grant agreements (the Order's crime and disorder reduction grants)."""
        return self.filter(agreement_type=AgreementType.GRANT)

    def not_grants(self):
        """Contracts, memoranda and service level agreements: everything but grants."""
        return self.exclude(agreement_type=AgreementType.GRANT)

    def end_decisions_open(self, day=None, owner=None):
        """Running contracts whose end is still to decide on ``day``: no option available on
        that day continues them and no outcome decided by that day is recorded for their
        current end date. Annotated
        with ``end_decision_date`` (the due date recorded, or by default that of a period
        starting the day after the end) and carrying ``end_decision_records``; ``owner``
        keeps those a user owns (named on the decision, or else the contract manager)."""
        day = day or timezone.localdate()
        this_end = RenewalDecision.objects.filter(
            contract=OuterRef("pk"), option__isnull=True, end_date=OuterRef("end_date")
        )
        continued = ExtensionOption.objects.available_on(day).filter(
            contract=OuterRef("pk"), start_date__gt=OuterRef("end_date")
        )
        contracts = (
            self.live(day)
            .filter(end_date__isnull=False)
            .exclude(Exists(continued))
            .exclude(Exists(this_end.filter(decided_on__lte=day)))
            .annotate(
                end_decision_date=Coalesce(
                    Subquery(this_end.values("due_date")[:1], output_field=models.DateField()),
                    expressions.DecisionDate(
                        F("end_date") + datetime.timedelta(days=1), F("notice_months")
                    ),
                    output_field=models.DateField(),
                )
            )
        )
        if owner is not None:
            contracts = contracts.decisions_possibly_owned_by(owner).filter(
                Exists(this_end.filter(owner=owner))
                | (Q(owner=owner) & ~Exists(this_end.filter(owner__isnull=False)))
            )
        return contracts.select_related("owner", "lead_provider").prefetch_related(
            Prefetch(
                "decisions",
                queryset=RenewalDecision.objects.filter(option__isnull=True).select_related(
                    "owner"
                ),
                to_attr="end_decision_records",
            )
        )

    def decisions_possibly_owned_by(self, owner):
        """Contracts on which ``owner`` may own a decision: those they manage, and those with
        a decision naming them. Wherever the owner rule (named on the decision, or else the
        contract manager) finds a user's decisions, it finds them among these; narrowing to
        them first is two index lookups instead of testing every contract in the register."""
        named = RenewalDecision.objects.filter(owner=owner).values("contract")
        return self.filter(Q(owner=owner) | Q(pk__in=named))

    def of_provider(self, provider):
        """Contracts a provider holds, as lead or as partner, each once.

        ``provider`` may be an ``OuterRef`` when this is itself a subquery.
        """
        # "id IN (partnered UNION led)": two index lookups on either database. Not "lead = X OR
        # id IN (partnered)": PostgreSQL runs an IN inside an OR as a filter over every contract.
        holder = _one_level_down(provider)
        held = (
            ContractPartner.objects.filter(provider=holder)
            .values("contract")
            .union(self.model._default_manager.filter(lead_provider=holder).values("pk"))
        )
        return self.filter(pk__in=held)

    def of_body(self, body):
        """Contracts a body commissions, as lead or as co-commissioner, each once."""
        co_commissioner = self.model.co_commissioners.through.objects.filter(
            contract=OuterRef("pk"), commissioningbody=_one_level_down(body)
        )
        return self.filter(Q(lead_commissioner=body) | Exists(co_commissioner))

    def funded_by(self, stream):
        """Contracts with a value or an extension option paid from funding ``stream``: the
        rule behind ``Contract.funding_streams``."""
        value = ContractValue.objects.filter(contract=OuterRef("pk"), funding_stream=stream)
        option = ExtensionOption.objects.filter(contract=OuterRef("pk"), funding_stream=stream)
        return self.filter(Exists(value) | Exists(option))


def _one_level_down(value):
    """``value`` as a subquery one level down sees it: an ``OuterRef`` reaches one level further."""
    return OuterRef(value) if isinstance(value, OuterRef) else value


class ContractManager(models.Manager.from_queryset(ContractQuerySet)):
    def for_register(self, day=None):
        """``ContractQuerySet.for_register``, built once a day and handed out as clones."""
        return _register_on(self.model, day or timezone.localdate()).all()


@functools.lru_cache(maxsize=2)
def _register_on(model, day):
    # Building these annotations (status, totals, value apportioned to the
    # year) costs more than rendering a dozen rows; they depend only on the
    # day, so build them once a day and hand out clones, never this queryset.
    return ContractQuerySet(model).for_register(day)


class Contract(Archivable, Versioned, models.Model):
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
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contracts",
        verbose_name="contract manager",
        help_text="The register user who manages the contract and owns its renewal decisions. "
        "With nobody named, the administrators are alerted.",
    )
    contract_manager = models.CharField(
        "contract manager (as first recorded)",
        max_length=200,
        blank=True,
        help_text="The manager's name as typed before managers were register users; kept for "
        "history.",
    )
    notice_months = models.PositiveSmallIntegerField(
        "notice period (months)",
        default=default_notice_months,
        validators=[MaxValueValidator(60)],
        help_text="Months before an extension period starts by which its decision must be made.",
    )

    # Publication (the Specified Information Order 2011, the Transparency Code,
    # the Procurement Act 2023). Every field here is published unless it says otherwise.
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Show it on the public transparency page and in the open data.",
    )
    published_from = models.DateField(
        null=True,
        blank=True,
        validators=[_sensible_date],
        help_text="Publish from this date; blank for as soon as it is marked published.",
    )
    purpose = models.CharField(
        max_length=300, blank=True, help_text="Its purpose, in one published sentence."
    )
    published_copy_url = models.URLField(
        "published copy", max_length=500, blank=True, help_text="Link to the published copy."
    )
    copy_redacted = models.BooleanField(
        "copy is redacted", default=False, help_text="Parts of the published copy are removed."
    )
    redaction_reason = models.CharField(
        max_length=300, blank=True, help_text="Published reason for the redactions."
    )
    tender_url = models.URLField(
        "invitation to tender",
        max_length=500,
        blank=True,
        help_text="Link to the published invitation to tender or quote, where there was one.",
    )
    under_procurement_act = models.BooleanField(
        "procured under the Procurement Act 2023",
        default=False,
        help_text="Procurements begun on or after 24 February 2025.",
    )
    threshold = models.CharField(
        max_length=10,
        choices=Threshold.choices,
        blank=True,
        help_text="Above or below the Act's threshold for its kind of contract.",
    )
    light_touch = models.BooleanField(
        "light-touch regime",
        default=False,
        help_text="Procured under the light-touch regime (many victim services are).",
    )
    procurement_identifier = models.CharField(
        max_length=100,
        blank=True,
        help_text="The procurement's identifier on Find a Tender, e.g. ocds-h6vhtk-04f1a2.",
    )
    contract_identifier = models.CharField(
        max_length=100, blank=True, help_text="The contract's identifier in its notices."
    )
    irrecoverable_vat = models.BooleanField(
        "VAT cannot be recovered",
        default=False,
        help_text="Some VAT paid cannot be recovered. Values stay net of VAT.",
    )
    irrecoverable_vat_amount = models.DecimalField(
        "VAT that cannot be recovered",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=MONEY_VALIDATORS,
    )
    grant_conditions = models.TextField(
        blank=True, help_text="For a grant: the conditions attached to it, as published."
    )
    crime_reduction_reason = models.TextField(
        blank=True,
        help_text="For a grant: why it is expected to reduce crime and disorder, as published.",
    )

    # How it ended (a contract termination notice, UK11, carries the same).
    ending_reason = models.CharField(max_length=30, choices=EndingReason.choices, blank=True)
    ended_on = models.DateField(
        null=True, blank=True, validators=[_sensible_date], help_text="The day it ended."
    )
    ending_note = models.CharField(
        max_length=500, blank=True, help_text="Published explanation of the ending."
    )
    breach = models.TextField(
        blank=True, help_text="Any breach of contract that led to the ending, as published."
    )
    damages_or_settlement = models.TextField(
        blank=True, help_text="Any damages paid or settlement reached, as published."
    )
    internal_notes = models.TextField(
        blank=True, help_text="Internal remarks for staff. Never shown in published schedules."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ContractManager()

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
            models.CheckConstraint(
                condition=Q(irrecoverable_vat=True) | Q(irrecoverable_vat_amount__isnull=True),
                name="contract_vat_amount_only_when_irrecoverable",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(start_date__isnull=True)
                | Q(ended_on__gte=F("start_date")),
                name="contract_ends_on_or_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["end_date"]),
            models.Index(fields=["status", "end_date"]),
            models.Index(fields=["title"]),
            # The register's default order, narrow: the late row lookup's page of keys is a
            # scan of this index, not of the table's wide rows. archived_at last, so SQLite
            # (no statistics) never takes "archived_at IS NULL" for a selective lookup.
            models.Index(
                fields=["category", "reference", "archived_at"], name="contract_register_order"
            ),
            # What a provider holds (holdings.py), read for every provider when the provider
            # list is sorted by it: the current contracts it leads, and whether a contract it
            # partners is current and led by another, from the index alone.
            models.Index(
                fields=["lead_provider", "id"],
                condition=Q(archived_at__isnull=True),
                name="contract_current_by_lead",
            ),
            models.Index(
                fields=["id", "lead_provider"],
                condition=Q(archived_at__isnull=True),
                name="contract_current_lead",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("contracts:detail", args=[self.reference])

    def natural_key(self):
        return (self.reference,)

    def names_in(self, relation):
        """The names in one many-to-many list, sorted, as ``with_names`` read them."""
        joined = getattr(self, f"{relation}_names")
        return sorted(joined.split(NAME_SEPARATOR)) if joined else []

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = (
                f"The end date ({format_date(self.end_date)}) is before the start date "
                f"({format_date(self.start_date)})."
            )
        if self.start_date and self.ended_on and self.ended_on < self.start_date:
            errors["ended_on"] = (
                f"It cannot have ended ({format_date(self.ended_on)}) before it started "
                f"({format_date(self.start_date)})."
            )
        if self.irrecoverable_vat_amount is not None and not self.irrecoverable_vat:
            errors["irrecoverable_vat_amount"] = (
                "An amount of VAT that cannot be recovered needs “VAT cannot be recovered” ticked."
            )
        if self.redaction_reason and not self.copy_redacted:
            errors["redaction_reason"] = "A redaction reason needs “copy is redacted” ticked."
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

    def days_left(self, day=None):
        """Days from ``day`` (today) to the end of a contract ending soon; None for any other.

        Ending soon: running (live or extended) with an end date from ``day`` to the longest
        of ENDING_SOON_BANDS after it — ``ContractQuerySet.ending_soon`` for many.
        """
        day = day or timezone.localdate()
        if self.ending_band(day) is None:
            return None
        return (self.end_date - day).days

    def ending_band(self, day=None):
        """The shortest of ENDING_SOON_BANDS (months) the contract ends within, counted from
        ``day`` (today); None when it is not ending soon. The Python twin of
        ``ContractQuerySet.with_ending_band``."""
        day = day or timezone.localdate()
        if self.status not in RUNNING_STATUSES or self.end_date is None or self.end_date < day:
            return None
        return next(
            (months for months in ENDING_SOON_BANDS if self.end_date <= add_months(day, months)),
            None,
        )

    def ends_in_words(self, day=None):
        """ "Ends in 30 days" for a contract ending soon; "" for any other."""
        days = self.days_left(day)
        if days is None:
            return ""
        return f"ends in {days} day{'' if days == 1 else 's'}"

    # Funding and outcomes -------------------------------------------------

    @classmethod
    def printed_parts(cls, decisions=False):
        """The prefetches of a contract's own rows every page, PDF and workbook prints: partners
        (with providers), values and options (with streams and payers), outcomes (with
        measures), each in its printed order. With ``decisions``, each option comes with its
        renewal decision and that decision's owner, in the same query."""
        option_relations = ["funding_stream", "payer"]
        if decisions:
            option_relations += ["decision", "decision__owner"]
        # Reached through the field: outcomes sit above contracts and are not imported here.
        outcome_model = cls._meta.get_field("outcomes").related_model
        return [
            Prefetch(
                "partners",
                queryset=ContractPartner.objects.select_related("provider").order_by(
                    "role", "area", "provider__name", "pk"
                ),
            ),
            Prefetch(
                "values",
                queryset=ContractValue.objects.select_related("funding_stream", "payer").order_by(
                    "start_date", "end_date", "pk"
                ),
            ),
            Prefetch(
                "options",
                queryset=ExtensionOption.objects.select_related(*option_relations).order_by(
                    "start_date", "end_date", "pk"
                ),
            ),
            Prefetch(
                "outcomes",
                queryset=outcome_model.objects.select_related("measure").order_by("order", "pk"),
            ),
        ]

    @property
    def funding_streams(self):
        """The funding streams named on the contract's values or extension options, each once,
        in order of first appearance (values first). ``ContractQuerySet.funded_by`` for many."""
        amounts = [*self.values.all(), *self.options.all()]
        streams = (amount.funding_stream for amount in amounts)
        return list(dict.fromkeys(stream for stream in streams if stream is not None))

    @property
    def payers(self):
        """The bodies paying the contract's values, each once; a value without a payer is paid
        by the lead commissioner."""
        return list(
            dict.fromkeys(value.payer or self.lead_commissioner for value in self.values.all())
        )

    def outcome_sections(self, published_only=False):
        """The contract's outcomes grouped under their headings in the printed order (see
        ``Outcome.sections``); ``published_only`` for what a PDF may print."""
        outcome_model = self._meta.get_field("outcomes").related_model
        outcomes = self.outcomes.all()
        if published_only:
            outcomes = [outcome for outcome in outcomes if outcome.is_published]
        return outcome_model.sections(outcomes)

    # Publication ----------------------------------------------------------

    @property
    def is_public(self):
        """The one-record twin of ``ContractQuerySet.published()``."""
        today = timezone.localdate()
        return (
            self.is_published
            and self.archived_at is None
            and self.status in PUBLISHABLE_STATUSES
            and (self.published_from is None or self.published_from <= today)
        )

    @property
    def is_grant(self):
        return self.agreement_type == AgreementType.GRANT

    @property
    def ocid(self):
        """The Open Contracting ID: the procurement's own when it was published on Find a Tender
        (``ocds-…``), otherwise the office's prefix (``OCDS_OCID_PREFIX``) and the reference."""
        if self.procurement_identifier.lower().startswith("ocds-"):
            return self.procurement_identifier
        return f"{settings.OCDS_OCID_PREFIX}-{self.reference}"

    @property
    def has_ended(self):
        return self.current_status in (Status.ENDED, Status.TERMINATED)

    @property
    def ending_date(self):
        """The day it ended: as recorded, or else its end date once that has passed."""
        if self.ended_on:
            return self.ended_on
        return self.end_date if self.has_ended else None

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

    # Decisions ---------------------------------------------------------
    # Read ``self.options.all()`` and ``self.decisions.all()``: prefetch both.

    def open_decisions(self, day=None):
        """The decisions still to make on ``day``, soonest first: each option available on
        that day, and the contract's end when it is running and no such option continues it
        (the rule ``OpenDecision.all_on`` applies to many contracts in SQL). A decision
        recorded as decided after ``day`` was still open on it."""
        day = day or timezone.localdate()
        records = self._decision_records()
        by_option = {record.option_id: record for record in records if record.option_id}
        options = [
            option
            for option in self.options.all()
            if option.is_available_on(day, by_option.get(option.pk))
        ]
        decisions = [
            OpenDecision(
                contract=self,
                option=option,
                record=by_option.get(option.pk),
                due=option.decision_date,
                day=day,
            )
            for option in options
        ]
        continued = any(option.start_date > self.end_date for option in options if self.end_date)
        running = self.status in RUNNING_STATUSES and self.end_date and self.end_date >= day
        if running and not continued:
            record = next(
                (r for r in records if r.option_id is None and r.end_date == self.end_date), None
            )
            if record is None or not record.is_decided_on(day):
                due = (record and record.due_date) or end_decision_date(
                    self.end_date, self.notice_months
                )
                decisions.append(OpenDecision(contract=self, record=record, due=due, day=day))
        return sorted(decisions, key=lambda decision: decision.due)

    def _decision_records(self):
        # The contract page fetches the records with the contract and its options
        # (``page_decision_records``: the current end's and the options'); elsewhere, all.
        if "page_decision_records" in self.__dict__:
            return self.page_decision_records
        return list(self.decisions.all())

    def _is_on_an_earlier_end(self, record):
        return record.option_id is None and record.end_date != self.end_date

    def decisions_made(self, day=None):
        """Outcomes decided by ``day`` (today) on this contract's current end and its options,
        latest first."""
        day = day or timezone.localdate()
        made = [
            record
            for record in self._decision_records()
            if record.is_decided_on(day) and not self._is_on_an_earlier_end(record)
        ]
        return sorted(made, key=lambda record: (record.decided_on, record.pk), reverse=True)

    def earlier_decisions(self):
        """Decisions recorded on an end date the contract no longer has (its end date was
        moved since), latest end date first: history, no longer open. Read from
        ``with_earlier_decisions()`` when the contract was fetched with it."""
        if "earlier_decisions_json" in self.__dict__:
            earlier = self._decisions_from_json(self.earlier_decisions_json)
        else:
            earlier = [r for r in self._decision_records() if self._is_on_an_earlier_end(r)]
        return sorted(earlier, key=lambda record: (record.end_date, record.pk), reverse=True)

    def _decisions_from_json(self, joined):
        user_model = RenewalDecision._meta.get_field("owner").related_model
        records = []
        for text in joined.split(NAME_SEPARATOR) if joined else []:
            row = json.loads(text)
            record = RenewalDecision(pk=row["pk"], contract=self)
            for name in EARLIER_DECISION_FIELDS:
                field = RenewalDecision._meta.get_field(name)
                setattr(record, name, field.to_python(row[name]) if row[name] is not None else None)
            record.outcome = record.outcome or ""
            record.reference = record.reference or ""
            record.note = record.note or ""
            if row["owner_id"] is not None:
                record.owner = user_model(
                    pk=row["owner_id"],
                    username=row["owner_username"],
                    first_name=row["owner_first_name"],
                    last_name=row["owner_last_name"],
                )
            records.append(record)
        return records

    def end_decision_on(self, day=None):
        """The decision on the contract's current end as of ``day`` (today): the
        ``OpenDecision`` while it is still to make, the ``RenewalDecision`` once decided by
        then, or None (an option available then continues the contract, or it is not
        running and nothing was recorded)."""
        day = day or timezone.localdate()
        for decision in self.open_decisions(day):
            if decision.option is None:
                return decision
        return next(
            (record for record in self.decisions_made(day) if record.option_id is None), None
        )

    @property
    def max_end_date(self):
        """The latest end date the contract could reach if every available option were exercised."""
        ends = [option.end_date for option in self.options_remaining]
        if self.end_date:
            ends.append(self.end_date)
        return max(ends) if ends else None


class ContractPartner(Versioned):
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
    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "area", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "provider", "area"], name="partner_once_per_area"
            ),
        ]
        # A provider's partnerships with their contracts, from the index alone (holdings.py).
        indexes = [models.Index(fields=["provider", "contract"], name="partner_provider_contract")]

    def __str__(self):
        area = f" ({self.area})" if self.area else ""
        # The provider's name only when it was fetched with the row: naming never queries.
        provider = self.provider.name if type(self).provider.is_cached(self) else "Partner"
        return f"{provider}{area}"
