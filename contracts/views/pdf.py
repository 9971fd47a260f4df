"""The PDF downloads: the schedule, a contract's summary, the expiry report, and a big schedule's progress.

Each view reads its parameters, looks for the finished document under a key
of those parameters and the data's version (an unchanged document is served
from disk without rendering), and otherwise renders it — or, for a schedule
too large to render within a request, queues it for the task worker.

The views opt out of ATOMIC_REQUESTS: rendering takes seconds, and a
transaction held open that long would block writers on SQLite.
"""

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.views.decorators.http import require_safe

from commissioning.dataversion import register_version
from commissioning.pdf import document_key, html_to_pdf, render_pdf, store_pdf, stored_pdf
from contracts.documents import (
    EXPIRY_TITLE,
    describe_filters,
    expiry_context,
    normalised_query,
    schedule_contracts,
    schedule_filterset,
    schedule_html,
    summary_context,
    with_printed_relations,
)
from contracts.filters import MAX_MONTHS_AHEAD
from contracts.models import Contract
from contracts.tasks import queue_schedule, read_ticket, schedule_task_status

DEFAULT_MONTHS_AHEAD = 12


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
        return redirect("site:schedule-progress", key=key)
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


def stored_or_404(key):
    try:
        return stored_pdf(key)
    except ValueError:
        raise Http404("No such document.") from None


@require_safe
def schedule_progress(request, key):
    """Whether a schedule queued for the worker is ready; the page checks again until it is."""
    path = stored_or_404(key)
    ticket = read_ticket(key)
    if path is None and ticket is None:
        raise Http404("No schedule is being prepared under that link.")
    status = None if path else schedule_task_status(key)
    return render(
        request,
        "pdf/schedule_progress.html",
        {
            "key": key,
            "ready": path is not None,
            "failed": status == TaskResultStatus.FAILED,
            "parameters": (ticket or {}).get("parameters", ""),
        },
    )


@require_safe
def schedule_download(request, key):
    """A schedule the worker has finished."""
    path = stored_or_404(key)
    if path is None:
        raise Http404("That schedule is not ready.")
    return pdf_download(path, f"commissioned-services-schedule-{timezone.localdate():%Y-%m-%d}.pdf")
