"""The floors: the register's first page of rows as bare JSON, with no template and no filter.

- ``floor``: the same 50 rows' *stored* fields (reference, title, category,
  lead provider, end date, status), read in one query through the same
  middleware. The issue's floor: what any page listing these rows must cost.
- ``floor_with_totals``: the same rows with the money the register shows
  computed from the values (``with_totals()``, ``with_value_in()``: correlated
  subqueries over every value), as the project's floor was defined before the
  money was stored. Beside the other, it shows what computing money per row costs.

Routed only inside the bench (bench/urls.py).
"""

from django.http import JsonResponse

from commissioning.fy import FinancialYear
from contracts.models import Contract

ROWS = 50
ORDER = ("category__order", "category__name", "reference")
STORED_FIELDS = (
    "reference",
    "title",
    "category__name",
    "lead_provider__name",
    "end_date",
    "status",
)


def stored_rows():
    """The register page's default rows, their stored fields only."""
    return Contract.objects.current().order_by(*ORDER).values(*STORED_FIELDS)[:ROWS]


def rows_with_totals():
    """The register page's default rows and columns, money computed from the values."""
    year = FinancialYear.current()
    return (
        Contract.objects.current()
        .with_status()
        .with_totals()
        .with_value_in(year, name="value_in_current_year")
        .order_by(*ORDER)
        .values(*STORED_FIELDS, "value_in_current_year", "total_amount", "current_status")[:ROWS]
    )


def floor(request):
    return JsonResponse({"rows": list(stored_rows())})


def floor_with_totals(request):
    return JsonResponse({"rows": list(rows_with_totals())})
