"""The expiry and decisions report: contracts ending and option decisions due, soonest first."""

from decimal import Decimal

from django.utils import timezone

from commissioning.documents import Document, dated_filename
from commissioning.fy import FinancialYear
from contracts.filters import MAX_MONTHS_AHEAD
from contracts.models import Contract, ExtensionOption
from reports.quality import run_checks, total_findings

EXPIRY_TITLE = "Contracts ending and decisions due"
DEFAULT_MONTHS_AHEAD = 12


class ExpiryReport(Document):
    """Contracts ending and option decisions due within ``months``, with their money."""

    kind = "expiring"
    template_name = "pdf/expiring.html"

    def __init__(self, months=DEFAULT_MONTHS_AHEAD, today=None):
        self.months = months
        self.today = today or timezone.localdate()

    @classmethod
    def from_query(cls, raw):
        """The report for ``?months=``: a whole number from 1 to 120, 12 when not given;
        raises ValueError saying how to write it."""
        if raw is None or raw.strip() == "":
            return cls()
        message = f"Months must be a whole number from 1 to {MAX_MONTHS_AHEAD}, for example 12"
        try:
            months = int(raw.strip())
        except ValueError:
            raise ValueError(message) from None
        if not 1 <= months <= MAX_MONTHS_AHEAD:
            raise ValueError(message)
        return cls(months)

    @property
    def parameters(self):
        return str(self.months)

    @property
    def title(self):
        return f"{EXPIRY_TITLE}: next {self.months} month{'s' if self.months != 1 else ''}"

    @property
    def filename(self):
        return dated_filename(f"contracts-ending-within-{self.months}-months")

    def context(self):
        today, months = self.today, self.months
        this_year = FinancialYear.containing(today)
        ending = list(
            Contract.objects.current()
            .ending_within(months, today)
            .with_value_in(this_year, name="value_this_year_amount")
            .with_totals()
            .select_related("lead_provider", "category")
            .order_by("end_date", "title")
        )
        decisions = list(
            ExtensionOption.objects.decisions_due_within(months, today)
            .with_overdue(today)
            .filter(contract__archived_at__isnull=True)
            .select_related("contract", "contract__lead_provider")
            .order_by("decision_date", "start_date")
        )
        for option in decisions:
            option.is_overdue_today = option.is_overdue(today)
        return {
            "months": months,
            "this_year": this_year,
            "ending": ending,
            "ending_total": sum((c.value_this_year_amount for c in ending), Decimal(0)),
            "decisions": decisions,
            "decisions_total": sum(
                (option.amount or Decimal(0) for option in decisions), Decimal(0)
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
