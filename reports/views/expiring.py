"""The expiry and decisions report as a PDF."""

from django.db import transaction
from django.utils import timezone
from django.views.decorators.http import require_safe

from commissioning.dataversion import register_version
from commissioning.pdf import document_key, render_pdf, stored_pdf
from contracts.filters import MAX_MONTHS_AHEAD
from contracts.views.pdf import bad_request, fresh_pdf, pdf_download
from reports.documents import EXPIRY_TITLE, expiry_context

DEFAULT_MONTHS_AHEAD = 12


def months_ahead(raw):
    """The report's ``months``: a whole number from 1 to 120; raises ValueError with the message."""
    if raw is None or raw.strip() == "":
        return DEFAULT_MONTHS_AHEAD
    message = f"Months must be a whole number from 1 to {MAX_MONTHS_AHEAD}, for example 12"
    try:
        months = int(raw.strip())
    except ValueError:
        raise ValueError(message) from None
    if not 1 <= months <= MAX_MONTHS_AHEAD:
        raise ValueError(message)
    return months


@transaction.non_atomic_requests
@require_safe
def expiring_pdf(request):
    """Contracts ending and option decisions due in the next ``months`` months."""
    try:
        months = months_ahead(request.GET.get("months"))
    except ValueError as error:
        return bad_request(request, "The report’s period is not valid", [str(error)])
    key = document_key("expiring", str(months), register_version())
    filename = f"contracts-ending-within-{months}-months-{timezone.localdate():%Y-%m-%d}.pdf"
    if path := stored_pdf(key):
        return pdf_download(path, filename)
    title = f"{EXPIRY_TITLE}: next {months} month{'s' if months != 1 else ''}"
    pdf = render_pdf("pdf/expiring.html", expiry_context(months), title=title)
    return fresh_pdf(key, pdf, filename)
