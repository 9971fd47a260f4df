"""The expiry and decisions report: contracts ending and option decisions due, soonest first."""

from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from commissioning.documents import Document, dated_filename
from commissioning.formats import format_date
from commissioning.fy import FinancialYear
from contracts.as_of import AS_OF_CAVEAT
from contracts.filters import MAX_MONTHS_AHEAD
from contracts.models import Contract, ExtensionOption, OpenDecision, RenewalDecision
from reports.quality import run_checks, total_findings

EXPIRY_TITLE = "Contracts ending and decisions due"
DEFAULT_MONTHS_AHEAD = 12


class ExpiryReport(Document):
    """Contracts ending and decisions due within ``months`` of ``today`` (the day the report
    is as of: today by default), with their money, each decision's owner and its state."""

    kind = "expiring"
    template_name = "pdf/expiring.html"

    def __init__(self, months=DEFAULT_MONTHS_AHEAD, today=None):
        self.months = months
        self.today = today or timezone.localdate()

    @classmethod
    def from_query(cls, raw, today=None):
        """The report for ``?months=``: a whole number from 1 to 120, 12 when not given;
        raises ValueError saying how to write it."""
        if raw is None or raw.strip() == "":
            return cls(today=today)
        message = f"Months must be a whole number from 1 to {MAX_MONTHS_AHEAD}, for example 12"
        try:
            months = int(raw.strip())
        except ValueError:
            raise ValueError(message) from None
        if not 1 <= months <= MAX_MONTHS_AHEAD:
            raise ValueError(message)
        return cls(months, today)

    @property
    def parameters(self):
        # The day is part of every key: a report stored yesterday is not today's.
        return f"{self.months}:{self.today:%Y-%m-%d}"

    @property
    def is_as_of_another_day(self):
        return self.today != timezone.localdate()

    @property
    def title(self):
        title = f"{EXPIRY_TITLE}: next {self.months} month{'s' if self.months != 1 else ''}"
        if self.is_as_of_another_day:
            title += f" from {format_date(self.today)}"
        return title

    @property
    def filename(self):
        stem = f"contracts-ending-within-{self.months}-months"
        if self.is_as_of_another_day:
            stem += f"-as-of-{self.today:%Y-%m-%d}"
        return dated_filename(stem)

    def context(self):
        today, months = self.today, self.months
        this_year = FinancialYear.containing(today)
        ending = list(
            Contract.objects.current()
            .ending_within(months, today)
            .with_value_in(this_year, name="value_this_year_amount")
            .with_totals()
            .select_related("lead_provider", "category", "owner")
            .prefetch_related(
                Prefetch(
                    "options",
                    queryset=ExtensionOption.objects.select_related("decision__owner"),
                ),
                Prefetch("decisions", queryset=RenewalDecision.objects.select_related("owner")),
            )
            .order_by("end_date", "title")
        )
        for contract in ending:
            contract.end_decision_shown = contract.end_decision_on(today)
            # None above: an option available on the day continues it, or nothing is recorded.
            contract.continued_by_option = any(
                decision.option is not None for decision in contract.open_decisions(today)
            )
        decisions = OpenDecision.all_on(today, within_months=months)
        return {
            "months": months,
            "day": today,
            "is_as_of_another_day": self.is_as_of_another_day,
            "as_of_caveat": AS_OF_CAVEAT,
            "this_year": this_year,
            "ending": ending,
            "ending_total": sum((c.value_this_year_amount for c in ending), Decimal(0)),
            "decisions": decisions,
            "overdue_count": sum(decision.is_overdue for decision in decisions),
            "decisions_total": sum(
                (
                    decision.option.amount or Decimal(0)
                    for decision in decisions
                    if decision.option is not None
                ),
                Decimal(0),
            ),
        }


class PublicationReport(Document):
    """Per contract, the publication duties not yet met, soonest due first
    (``publication.duties``)."""

    kind = "publication"
    template_name = "pdf/publication.html"
    title = "Publication duties outstanding"

    def __init__(self, today=None):
        self.today = today or timezone.localdate()

    @property
    def filename(self):
        return dated_filename("publication-duties")

    def context(self):
        from publication.duties import outstanding_duties

        rows = outstanding_duties(self.today)
        duties = [duty for row in rows for duty in row.duties]
        return {
            "title": self.title,
            "today": self.today,
            "rows": rows,
            "duty_count": len(duties),
            "overdue_count": sum(duty.is_overdue(self.today) for duty in duties),
        }


class DataQualityReport(Document):
    """The data-quality checks, each with its count and the records it found."""

    kind = "quality"
    template_name = "pdf/data_quality.html"
    title = "Data quality"

    def __init__(self, day=None):
        self.day = day or timezone.localdate()

    @property
    def parameters(self):
        return self.day.isoformat()

    @property
    def filename(self):
        return dated_filename("data-quality")

    def context(self):
        checks = run_checks(self.day)
        return {"checks": checks, "total": total_findings(checks), "day": self.day}
