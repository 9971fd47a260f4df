"""The dashboard: committed spend ahead, what ends soon, and decisions due.

Every figure is aggregated in the database (a handful of queries, however big
the register); Python only arranges the aggregated rows for the page.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from commissioning.dataversion import register_version
from commissioning.fy import FinancialYear
from contracts.alerts import receives_alerts
from contracts.as_of import as_of, as_of_query
from contracts.models import (
    ENDING_SOON_BANDS,
    AlertPreference,
    Contract,
    ContractValue,
    ExtensionOption,
    OpenDecision,
)
from providers.models import Provider
from reports.charts import Bar, bar_chart

YEARS_SHOWN = 5
# Rows listed in each "ending soon" and "decisions due" table; the count says how many in all.
LISTED_ROWS = 20
DASHBOARD_CACHE_SECONDS = 60 * 60
NOT_RECORDED = "Not recorded"


@dataclass
class SpendRow:
    """One line of a spend table: committed and optional amounts for each year shown."""

    name: str
    committed: list
    options: list

    @property
    def cells(self):
        return [
            {"committed": committed, "with_options": committed + option, "options": option}
            for committed, option in zip(self.committed, self.options, strict=True)
        ]


@dataclass
class SpendSplit:
    """Committed spend per year split by one field, with a total row."""

    years: list
    rows: list = field(default_factory=list)

    @classmethod
    def from_totals(cls, years, committed, options):
        """Build from two ``totals_by_year`` results keyed by group name (None = not recorded)."""
        zero = {year: Decimal(0) for year in years}
        names = sorted(set(committed) | set(options), key=lambda name: (name is None, name or ""))
        rows = [
            SpendRow(
                name=name or NOT_RECORDED,
                committed=[committed.get(name, zero)[year] for year in years],
                options=[options.get(name, zero)[year] for year in years],
            )
            for name in names
        ]
        return cls(years=years, rows=rows)

    @cached_property
    def total(self):
        columns = range(len(self.years))
        return SpendRow(
            name="Total",
            committed=[sum((row.committed[i] for row in self.rows), Decimal(0)) for i in columns],
            options=[sum((row.options[i] for row in self.rows), Decimal(0)) for i in columns],
        )

    def by_year(self):
        """The total row as one entry per year."""
        total = self.total
        return [
            {
                "year": year,
                "committed": committed,
                "options": option,
                "with_options": committed + option,
            }
            for year, committed, option in zip(
                self.years, total.committed, total.options, strict=True
            )
        ]

    def first_year_bars(self):
        return [Bar(row.name, row.committed[0], row.options[0]) for row in self.rows]


def _spend_split(years, group_by):
    committed = ContractValue.objects.committed().totals_by_year(years, group_by=group_by)
    options = (
        ExtensionOption.objects.available().committed().totals_by_year(years, group_by=group_by)
    )
    return SpendSplit.from_totals(years, committed, options)


def _first_rows_of_each(queryset, group, order_by):
    """The first ``LISTED_ROWS`` rows of each ``group``, each row carrying its group's size.

    One query, with window functions: a national register has thousands of
    contracts ending within a year, and the page lists the soonest of each band
    (with the count) rather than all of them.
    """
    return list(
        queryset.annotate(
            group=group,
            group_size=Window(Count("pk"), partition_by=[group]),
            group_row=Window(RowNumber(), partition_by=[group], order_by=order_by),
        )
        .filter(group_row__lte=LISTED_ROWS)
        .order_by(*order_by)
    )


def _ending_soon(today):
    """Running contracts ending soon, split into the bands of ENDING_SOON_BANDS."""
    contracts = _first_rows_of_each(
        Contract.objects.current()
        .ending_soon(today)
        .with_ending_band(today)
        .with_value_in(FinancialYear.containing(today), name="value_this_year_amount")
        .select_related("lead_provider"),
        F("ending_within_months"),
        [F("end_date").asc(), F("reference").asc()],
    )
    for contract in contracts:
        contract.days_left_on_day = contract.days_left(today)
    sizes = {contract.group: contract.group_size for contract in contracts}
    bands, earlier = [], 0
    for months in ENDING_SOON_BANDS:
        listed = [contract for contract in contracts if contract.group == months]
        bands.append(
            {
                "months": months,
                "after_months": earlier,
                "contracts": listed,
                "count": sizes.get(months, 0),
                "count_within": sum(size for band, size in sizes.items() if band <= months),
            }
        )
        earlier = months
    return bands


def _decisions_due(today):
    """Available options to decide within 12 months: (overdue, upcoming), the most urgent of each."""
    options = _first_rows_of_each(
        ExtensionOption.objects.decisions_due_within(12, today=today)
        .with_overdue(today)
        .filter(contract__archived_at__isnull=True)
        .select_related(
            "contract", "contract__lead_provider", "contract__owner", "decision__owner"
        ),
        F("is_overdue_on_day"),
        [F("decision_date").asc(), F("contract__reference").asc()],
    )
    return (
        [option for option in options if option.is_overdue_on_day],
        [option for option in options if not option.is_overdue_on_day],
    )


def dashboard(request):
    # ?as_of=2024-01-01 shows the register as it stood that day: what ends soon,
    # which decisions are due or overdue, and spend from that day's financial year.
    # ?from=2023 shows spend from 2023/24 onwards: an office looking back at a
    # register whose contracts have ended still sees its money.
    day, as_of_form = as_of(request)
    this_year = FinancialYear.containing(day)
    first_year, year_error = this_year, ""
    if request.GET.get("from"):
        try:
            first_year = FinancialYear.parse(request.GET["from"])
            # The last year shown must be one the register holds (2099/2100 at most).
            first_year + (YEARS_SHOWN - 1)
        except ValueError as error:
            first_year, year_error = this_year, str(error)
    # Every figure follows from the register's rows and today's date, which
    # register_version() names in one read by primary key (a counter the
    # database bumps with every change): an unchanged register is served from
    # the cache instead of being aggregated again.
    version = register_version()
    figures = cache.get_or_set(
        f"dashboard:{first_year.start_year}:{day}:{version}",
        lambda: dashboard_figures(first_year, day),
        DASHBOARD_CACHE_SECONDS,
    )
    # The signed-in user's own decisions: the same rows and date, so kept the same way.
    your_decisions = cache.get_or_set(
        f"dashboard:decisions:{request.user.pk}:{day}:{version}",
        lambda: OpenDecision.all_on(day, within_months=12, owner=request.user),
        DASHBOARD_CACHE_SECONDS,
    )
    year_choices = [this_year + offset for offset in range(-5, 2)]
    return render(
        request,
        "reports/dashboard.html",
        {
            **figures,
            "this_year": this_year,
            "year_choices": year_choices,
            "year_error": year_error,
            "year_typed": request.GET.get("from", ""),
            "as_of_form": as_of_form,
            "today_real": timezone.localdate(),
            "day": day,
            "as_of_query": as_of_query(day),
            "keep": [("from", request.GET["from"])] if request.GET.get("from") else [],
            "your_decisions": your_decisions,
            "receives_alerts": receives_alerts(request.user),
        },
    )


def dashboard_figures(first_year=None, today=None):
    """Everything the dashboard shows, aggregated in the database.

    Spend is shown for ``first_year`` and the years after it (the financial year
    of ``today`` by default); what ends soon and the decisions due count from
    ``today`` (the real today unless the page asked for another day).
    """
    today = today or timezone.localdate()
    first_year = first_year or FinancialYear.containing(today)
    years = [first_year + offset for offset in range(YEARS_SHOWN)]

    by_category = _spend_split(years, "contract__category__name")
    by_stream = _spend_split(years, "funding_stream__name")
    yearly = by_category.by_year()

    overdue_decisions, upcoming_decisions = _decisions_due(today)
    context = {
        "today": today,
        "years": years,
        "first_year": first_year,
        "yearly": yearly,
        "by_category": by_category,
        "by_stream": by_stream,
        "yearly_chart": bar_chart(
            "chart-years",
            f"Committed spend by financial year, {years[0]} to {years[-1]}",
            [Bar(str(row["year"]), row["committed"], row["options"]) for row in yearly],
            value_label="Committed",
            extra_label="Options still available",
        ),
        "category_chart": bar_chart(
            "chart-categories",
            f"Committed spend in {first_year} by category",
            by_category.first_year_bars(),
            value_label="Committed",
            extra_label="Options still available",
        ),
        "stream_chart": bar_chart(
            "chart-streams",
            f"Committed spend in {first_year} by funding stream",
            by_stream.first_year_bars(),
            value_label="Committed",
            extra_label="Options still available",
        ),
        "ending_bands": _ending_soon(today),
        "overdue_decisions": overdue_decisions,
        "upcoming_decisions": upcoming_decisions,
        "listed_rows": LISTED_ROWS,
        "live_contracts": Contract.objects.current().live(today).count(),
        "providers": Provider.objects.current().count(),
    }
    return context


@require_POST
def alert_preference(request):
    """Switch the signed-in user's decision alerts on or off."""
    receives = request.POST.get("receives_alerts") == "on"
    AlertPreference.objects.update_or_create(
        user=request.user, defaults={"receives_alerts": receives}
    )
    messages.success(
        request,
        "Your decision alerts are on." if receives else "Your decision alerts are off.",
    )
    return redirect(f"{reverse('reports:dashboard')}#your-decisions")
