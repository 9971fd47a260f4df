"""The expiry and decisions report as a PDF."""

from django.db import transaction
from django.views.decorators.http import require_safe

from commissioning.documents import bad_request
from reports.documents import ExpiryReport


@transaction.non_atomic_requests
@require_safe
def expiring_pdf(request):
    """Contracts ending and option decisions due in the next ``months`` months."""
    try:
        report = ExpiryReport.from_query(request.GET.get("months"))
    except ValueError as error:
        return bad_request(request, "The report’s period is not valid", [str(error)])
    return report.response()
