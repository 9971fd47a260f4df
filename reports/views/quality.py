"""/reports/data-quality/: which records are incomplete, as a page and a PDF."""

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_safe

from contracts.as_of import as_of, as_of_query
from reports.documents import DataQualityReport
from reports.quality import run_checks, total_findings

# Findings listed per check on the page; the PDF and check_register list them all.
SHOWN = 100


@require_safe
def data_quality(request):
    day, as_of_form = as_of(request)
    checks = run_checks(day, shown=SHOWN)
    return render(
        request,
        "reports/data_quality.html",
        {
            "checks": checks,
            "total": total_findings(checks),
            "day": day,
            "today": DataQualityReport().day,
            "as_of_form": as_of_form,
            "as_of_query": as_of_query(day),
        },
    )


@transaction.non_atomic_requests
@require_safe
def data_quality_pdf(request):
    day, _form = as_of(request)
    return DataQualityReport(day).response()
