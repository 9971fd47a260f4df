"""The progress and download pages of a schedule rendered by the task worker."""

from django.http import Http404
from django.shortcuts import render
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.views.decorators.http import require_safe

from commissioning.pdf import stored_pdf
from contracts.tasks import read_ticket, schedule_task_status
from contracts.views.pdf import pdf_download


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
        "reports/schedule_progress.html",
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
