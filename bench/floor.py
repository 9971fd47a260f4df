"""The floor: the register's first page of rows as bare JSON, with no template and no filter.

Same 50 rows, same fields and the same annotations as the register page, so
the ratio page ÷ floor is what templates, the filter form and the table cost
on top of fetching the data. Routed only inside the bench (bench/urls.py).
"""

from django.http import JsonResponse

from commissioning.fy import FinancialYear
from contracts.models import Contract

ROWS = 50


def register_rows():
    """The register page's default rows and columns, as plain values."""
    year = FinancialYear.current()
    return (
        Contract.objects.current()
        .with_status()
        .with_totals()
        .with_value_in(year, name="value_in_current_year")
        .order_by("category__order", "category__name", "reference")
        .values(
            "reference",
            "title",
            "category__name",
            "lead_provider__name",
            "value_in_current_year",
            "total_amount",
            "end_date",
            "current_status",
        )[:ROWS]
    )


def floor(request):
    return JsonResponse({"rows": list(register_rows())})
