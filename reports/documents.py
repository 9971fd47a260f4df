"""The expiry and decisions report: contracts ending and option decisions due, soonest first."""

from decimal import Decimal

from django.utils import timezone

from commissioning.fy import FinancialYear
from contracts.models import Contract, ExtensionOption

EXPIRY_TITLE = "Contracts ending and decisions due"


def expiry_context(months, today=None):
    """Contracts ending and option decisions due within ``months``, soonest first, with their money."""
    today = today or timezone.localdate()
    this_year = FinancialYear.containing(today)
    ending = list(
        Contract.objects.current()
        .ending_within(months, today=today)
        .with_value_in(this_year, name="value_this_year_amount")
        .with_totals()
        .select_related("lead_provider", "category")
        .order_by("end_date", "title")
    )
    decisions = list(
        ExtensionOption.objects.decisions_due_within(months, today=today)
        .filter(contract__archived_at__isnull=True)
        .select_related("contract", "contract__lead_provider")
        .order_by("decision_due", "start_date")
    )
    for option in decisions:
        option.is_overdue = option.decision_due is not None and option.decision_due < today
    return {
        "months": months,
        "this_year": this_year,
        "ending": ending,
        "ending_total": sum((c.value_this_year_amount for c in ending), Decimal(0)),
        "decisions": decisions,
        "decisions_total": sum((option.amount or Decimal(0) for option in decisions), Decimal(0)),
    }
