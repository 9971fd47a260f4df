"""The dashboard: committed spend ahead, what ends soon, and decisions due.

Every figure is aggregated in the database (a handful of queries, however big
the register); Python only arranges the aggregated rows for the page.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from commissioning.charts import Bar, bar_chart
from commissioning.fy import FinancialYear
from contracts.models import Contract, ContractValue, ExtensionOption, add_months
from providers.models import Provider

YEARS_SHOWN = 5
ENDING_BANDS = (3, 6, 12)  # months
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


def _ending_soon(today):
    """Running contracts ending within the longest band, split into bands of months."""
    contracts = list(
        Contract.objects.current()
        .ending_within(ENDING_BANDS[-1], today=today)
        .with_value_in(FinancialYear.containing(today), name="value_this_year_amount")
        .select_related("lead_provider")
        .order_by("end_date", "reference")
    )
    bands, earlier = [], 0
    for months in ENDING_BANDS:
        limit = add_months(today, months)
        lower = add_months(today, earlier) if earlier else None
        bands.append(
            {
                "months": months,
                "after_months": earlier,
                "contracts": [
                    contract
                    for contract in contracts
                    if contract.end_date <= limit and (lower is None or contract.end_date > lower)
                ],
                "count_within": sum(1 for contract in contracts if contract.end_date <= limit),
            }
        )
        earlier = months
    return bands


def dashboard(request):
    today = timezone.localdate()
    first_year = FinancialYear.containing(today)
    years = [first_year + offset for offset in range(YEARS_SHOWN)]

    by_category = _spend_split(years, "contract__category__name")
    by_stream = _spend_split(years, "funding_stream__name")
    yearly = by_category.by_year()

    decisions = list(
        ExtensionOption.objects.decisions_due_within(12, today=today)
        .filter(contract__archived_at__isnull=True)
        .select_related("contract", "contract__lead_provider")
        .order_by("decision_due", "contract__reference")
    )
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
        "overdue_decisions": [option for option in decisions if option.decision_due < today],
        "upcoming_decisions": [option for option in decisions if option.decision_due >= today],
        "live_contracts": Contract.objects.current().live(today).count(),
        "providers": Provider.objects.current().count(),
    }
    return render(request, "dashboard.html", context)
