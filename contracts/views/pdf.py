"""The contracts' PDF downloads: the schedule and a contract's summary.

Each view reads its parameters, looks for the finished document under a key
of those parameters and the data's version (an unchanged document is served
from disk without rendering), and otherwise renders it — or, for a schedule
too large to render within a request, queues it for the task worker.

The views opt out of ATOMIC_REQUESTS: rendering takes seconds, and a
transaction held open that long would block writers on SQLite.
"""

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from commissioning.dataversion import register_version
from commissioning.pdf import document_key, html_to_pdf, render_pdf, store_pdf, stored_pdf
from contracts.documents import (
    describe_filters,
    normalised_query,
    schedule_contracts,
    schedule_filterset,
    schedule_html,
    summary_context,
    with_printed_relations,
)
from contracts.models import Contract
from contracts.tasks import queue_schedule


def pdf_download(path, filename):
    """A stored PDF, streamed from disk."""
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


def fresh_pdf(key, pdf, filename):
    """Store a PDF just rendered and answer with the bytes already in hand."""
    store_pdf(key, pdf)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def bad_request(request, title, errors):
    """A GOV.UK page saying what was wrong with the link, with status 400."""
    return render(request, "pdf/bad_request.html", {"title": title, "errors": errors}, status=400)


@transaction.non_atomic_requests
@require_safe
def schedule_pdf(request):
    """The commissioned services schedule for the register's query string."""
    filterset = schedule_filterset(request.GET)
    if not filterset.is_valid():
        errors = [
            str(error) for field_errors in filterset.errors.values() for error in field_errors
        ]
        return bad_request(request, "The schedule’s filters are not valid", errors)
    parameters = normalised_query(filterset)
    key = document_key("schedule", parameters, register_version())
    filename = f"commissioned-services-schedule-{timezone.localdate():%Y-%m-%d}.pdf"
    if path := stored_pdf(key):
        return pdf_download(path, filename)
    contracts = schedule_contracts(filterset)
    if contracts.count() > settings.SCHEDULE_BACKGROUND_ROWS:
        queue_schedule(key, parameters)
        return redirect("reports:schedule-progress", key=key)
    pdf = html_to_pdf(schedule_html(contracts, describe_filters(filterset)))
    return fresh_pdf(key, pdf, filename)


@transaction.non_atomic_requests
@require_safe
def summary_pdf(request, reference):
    """One contract's summary on one or two A4 pages."""
    contract = get_object_or_404(
        with_printed_relations(Contract.objects.all()), reference=reference
    )
    key = document_key("summary", reference, register_version())
    filename = f"{reference}-summary-{timezone.localdate():%Y-%m-%d}.pdf"
    if path := stored_pdf(key):
        return pdf_download(path, filename)
    pdf = render_pdf(
        "pdf/summary.html", summary_context(contract), title=f"Contract summary: {contract.title}"
    )
    return fresh_pdf(key, pdf, filename)
