"""The expiry and decisions report: a page and a PDF, as of any day (``?as_of=``)."""

from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from commissioning.documents import bad_request
from contracts.as_of import as_of, as_of_query
from reports.documents import DEFAULT_MONTHS_AHEAD, ExpiryReport


@require_safe
def expiring(request):
    """Contracts ending and decisions due in the next ``months`` months from the day asked."""
    day, as_of_form = as_of(request)
    months_error = ""
    try:
        report = ExpiryReport.from_query(request.GET.get("months"), day)
    except ValueError as error:
        report, months_error = ExpiryReport(today=day), str(error)
    query = "&".join(part for part in (f"months={report.months}", as_of_query(day)) if part)
    return render(
        request,
        "reports/expiring.html",
        {
            **report.context(),
            "today": timezone.localdate(),
            "as_of_form": as_of_form,
            "as_of_query": as_of_query(day),
            "pdf_query": query,
            "months_error": months_error,
            "months_typed": request.GET.get("months", ""),
            "default_months": DEFAULT_MONTHS_AHEAD,
            "wide_layout": True,
        },
    )


@transaction.non_atomic_requests
@require_safe
def expiring_pdf(request):
    """Contracts ending and decisions due in the next ``months`` months, as of ``?as_of=``."""
    day, as_of_form = as_of(request)
    errors = [str(error) for errors in as_of_form.errors.values() for error in errors]
    try:
        report = ExpiryReport.from_query(request.GET.get("months"), day)
    except ValueError as error:
        errors.append(str(error))
    if errors:
        return bad_request(request, "The report’s period is not valid", errors)
    return report.response()
