"""The progress and download pages of a schedule rendered by the task worker.

The progress page is the task's own page: it looks the task up by its id and
reads its result (waiting, running, failed or done, the schedule's query
string, and the key the PDF was stored under).
"""

from django.http import Http404
from django.shortcuts import render
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.views.decorators.http import require_safe

from commissioning.documents import dated_filename, pdf_is_stored, stored_pdf_response
from contracts.tasks import render_schedule

SCHEDULE_FILE = "commissioned-services-schedule"


def schedule_task(task_id):
    """The schedule task's result, or 404 for an id that is not a schedule's task."""
    try:
        result = render_schedule.get_result(str(task_id))
    except (TaskResultDoesNotExist, NotImplementedError):
        raise Http404("No schedule is being prepared under that link.") from None
    if result.task.module_path != render_schedule.module_path:
        raise Http404("No schedule is being prepared under that link.")
    return result


def is_stored(key):
    try:
        return pdf_is_stored(key)
    except ValueError:  # not a document key
        return False


@require_safe
def schedule_progress(request, task_id):
    """Whether a schedule queued for the worker is ready; the page checks again until it is."""
    result = schedule_task(task_id)
    parameters, key = result.args
    done = result.status == TaskResultStatus.SUCCESSFUL
    ready = done and is_stored(key)
    return render(
        request,
        "reports/schedule_progress.html",
        {
            "task_id": task_id,
            "key": key,
            "ready": ready,
            "failed": result.status == TaskResultStatus.FAILED or (done and not ready),
            # Finished, but cleared out since (stored PDFs are kept a week): try again.
            "expired": done and not ready,
            "parameters": parameters,
        },
    )


@require_safe
def schedule_download(request, key):
    """A schedule the worker has finished."""
    if not is_stored(key):
        raise Http404("That schedule is not ready.")
    return stored_pdf_response(key, dated_filename(SCHEDULE_FILE))
