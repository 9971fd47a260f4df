"""What services achieve: measures, results, statistics, targets, aims and evidence."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from commissioning.audited import AuditedQuerySet
from commissioning.formats import format_month
from commissioning.fy import FinancialYear
from commissioning.models import NamedModel, Versioned


class Measure(NamedModel):
    """A thing services report on, so figures from different services line up (“Feeling safer”)."""

    family = models.CharField(
        max_length=200,
        blank=True,
        help_text="e.g. Ministry of Justice cope and recover outcomes.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["family", "name"]


class OutcomeKind(models.TextChoices):
    RESULT = "result", "Measured result"
    STATISTIC = "statistic", "Activity statistic"
    TARGET = "target", "Target or service standard"
    AIM = "aim", "Intended outcome"
    TESTIMONIAL = "testimonial", "Testimonial"
    CASE_STUDY = "case_study", "Case study"
    AWARD = "award", "Award or recognition"
    OTHER = "other", "Other evidence"


QUALITATIVE_KINDS = (OutcomeKind.TESTIMONIAL, OutcomeKind.CASE_STUDY, OutcomeKind.AWARD)

# The order outcomes are shown in, on a contract's page and in its PDFs, under these headings.
SECTION_HEADINGS = {
    OutcomeKind.RESULT: "Results",
    OutcomeKind.STATISTIC: "Activity",
    OutcomeKind.TARGET: "Targets and standards",
    OutcomeKind.AIM: "Intended outcomes",
    OutcomeKind.TESTIMONIAL: "Testimonials",
    OutcomeKind.CASE_STUDY: "Case studies",
    OutcomeKind.AWARD: "Awards and recognition",
    OutcomeKind.OTHER: "Other evidence",
}


@dataclass
class OutcomeSection:
    """One heading of a contract's outcomes: its kind, heading and outcomes in order."""

    kind: str
    heading: str
    outcomes: list

    @property
    def is_qualitative(self):
        """Testimonials, case studies and awards: shown as quoted evidence, not as bullets."""
        return self.kind in QUALITATIVE_KINDS


class Unit(models.TextChoices):
    PERCENT = "percent", "Per cent"
    COUNT = "count", "Count"
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"
    WEEKS = "weeks", "Weeks"
    POUNDS = "pounds", "Pounds"
    SCORE = "score", "Score"


class Consent(models.TextChoices):
    NOT_APPLICABLE = "", "Not applicable"
    ANONYMISED = "anonymised", "Anonymised"
    CONSENTED = "consented", "Published with consent"
    NOT_RECORDED = "not_recorded", "Consent not recorded"


class OutcomeQuerySet(AuditedQuerySet):
    def results(self):
        return self.filter(kind=OutcomeKind.RESULT)

    def qualitative(self):
        return self.filter(kind__in=QUALITATIVE_KINDS)

    def published(self):
        """Outcomes that may appear in a published schedule."""
        return self.filter(is_published=True)

    def reported_in(self, year):
        """Outcomes whose dated period overlaps financial ``year`` (a one-day period counts;
        a period with only one end stated is taken to be that day)."""
        year = FinancialYear.parse(year)
        starts = Coalesce("period_start", "period_end")
        ends = Coalesce("period_end", "period_start")
        return self.alias(reported_from=starts, reported_to=ends).filter(
            reported_from__lte=year.end, reported_to__gte=year.start
        )


class Outcome(Versioned):
    """One statement of what a contract achieves, aims at or must meet, with its evidence.

    ``text`` is always the statement as it should read in a schedule; the
    structured fields (value, unit, cohort, period, source) make figures
    comparable across services.
    """

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="outcomes"
    )
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    text = models.TextField(help_text="The statement as published.")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    cohort = models.CharField(max_length=200, blank=True, help_text="e.g. IDVA clients.")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_label = models.CharField(
        max_length=100, blank=True, help_text="As stated, e.g. “2021–22 service users”."
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="e.g. Contract closure report 2020–2022."
    )
    attribution = models.CharField(
        max_length=200, blank=True, help_text="Who said it, e.g. ISVA service user."
    )
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    is_published = models.BooleanField(
        default=True, help_text="Untick to keep this out of published schedules."
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(unit="percent")
                | Q(value__isnull=True)
                | Q(value__gte=0, value__lte=100),
                name="outcome_percentage_within_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="outcome_numerator_not_above_denominator",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="outcome_denominator_positive",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="outcome_period_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["kind", "measure"])]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        errors = {}
        if self.unit == Unit.PERCENT and self.value is not None and not 0 <= self.value <= 100:
            errors["value"] = f"A percentage must be between 0 and 100, not {self.value}."
        if (
            self.numerator is not None
            and self.denominator is not None
            and self.numerator > self.denominator
        ):
            errors["numerator"] = (
                f"The numerator ({self.numerator}) is larger than the denominator "
                f"({self.denominator})."
            )
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period ends before it starts."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def sections(cls, outcomes):
        """``outcomes`` under their headings, in SECTION_HEADINGS order, empty headings left out."""
        by_kind = {}
        for outcome in outcomes:
            by_kind.setdefault(outcome.kind, []).append(outcome)
        return [
            OutcomeSection(kind=kind, heading=heading, outcomes=by_kind[kind])
            for kind, heading in SECTION_HEADINGS.items()
            if kind in by_kind
        ]

    @property
    def is_qualitative(self):
        return self.kind in QUALITATIVE_KINDS

    @property
    def ratio_percent(self):
        """numerator / denominator as a percentage, when both are known."""
        if self.numerator is None or not self.denominator:
            return None
        return (Decimal(self.numerator) * 100 / self.denominator).quantize(Decimal("0.1"))

    @property
    def shown_period(self):
        """The period to print beside the statement: none when the text already states it
        (“Howard League winner in community award (Nov 2022)” needs no second “Nov 2022”)."""
        period = self.period
        return "" if period and period in self.text else period

    @property
    def period(self):
        if self.period_label:
            return self.period_label
        if self.period_start and self.period_end:
            return f"{format_month(self.period_start)} to {format_month(self.period_end)}"
        return ""


class Rating(models.TextChoices):
    """The Procurement Act 2023's scale for rating a KPI in a contract performance notice."""

    GOOD = "good", "Good"
    APPROACHING = "approaching", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class RatingRow:
    period_start: datetime.date
    period_end: datetime.date
    rating: str
    comment: str

    @property
    def label(self):
        return Rating(self.rating).label


@dataclass
class KpiRow:
    """A KPI with its ratings over time, oldest first."""

    pk: int
    contract_id: int
    measure: str
    target: str
    ratings: list = field(default_factory=list)


class KpiQuerySet(AuditedQuerySet):
    def rows(self):
        """The KPIs with their ratings over time, in one query (a left join), as ``KpiRow``s in
        the contract's order."""
        values = self.order_by("contract_id", "order", "pk", "ratings__period_end").values(
            "pk",
            "contract_id",
            "measure__name",
            "target",
            "ratings__period_start",
            "ratings__period_end",
            "ratings__rating",
            "ratings__comment",
        )
        rows = {}
        for value in values:
            row = rows.get(value["pk"])
            if row is None:
                row = rows[value["pk"]] = KpiRow(
                    value["pk"], value["contract_id"], value["measure__name"], value["target"]
                )
            if value["ratings__rating"]:
                row.ratings.append(
                    RatingRow(
                        value["ratings__period_start"],
                        value["ratings__period_end"],
                        value["ratings__rating"],
                        value["ratings__comment"],
                    )
                )
        return list(rows.values())


class KeyPerformanceIndicator(models.Model):
    """An outcome measure a contract is held to as a key performance indicator, with its target."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="kpis"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="kpis")
    target = models.CharField(
        max_length=300, help_text="The target, as published, e.g. “80% feel safer at exit”."
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    objects = KpiQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "order", "pk"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.UniqueConstraint(fields=["contract", "measure"], name="kpi_once_per_contract"),
        ]

    def __str__(self):
        # The measure's name only when it was fetched with the row: naming never queries.
        measure = self.measure.name if type(self).measure.is_cached(self) else "KPI"
        return f"{measure}: {self.target}"


class PerformanceRating(models.Model):
    """How a KPI was rated for one period, on the Act's scale, with the published comment."""

    kpi = models.ForeignKey(
        KeyPerformanceIndicator, on_delete=models.CASCADE, related_name="ratings"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    rating = models.CharField(max_length=30, choices=Rating.choices)
    comment = models.TextField(blank=True, help_text="Published with the rating.")

    history = HistoricalRecords()
    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["kpi", "period_end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="rating_period_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["kpi", "period_start", "period_end"], name="rating_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{Rating(self.rating).label} ({self.period_start:%B %Y} to {self.period_end:%B %Y})"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period ends before it starts."})
