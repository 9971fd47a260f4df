"""Background rendering of large schedules with Django's tasks framework.

A schedule of more than ``SCHEDULE_BACKGROUND_ROWS`` contracts takes longer to
render than a web request should wait (about 45 ms a dense row), so the view
queues ``render_schedule`` and the task worker (``manage.py db_worker``, from
django-tasks-db) writes the PDF where the web process serves it from. A small
ticket file beside the PDF records which task is preparing it, so reloading the
page never queues the same schedule twice.
"""

import json

from django.http import QueryDict
from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist

from commissioning.pdf import html_to_pdf, store_pdf, stored_pdf_path

from .documents import describe_filters, schedule_contracts, schedule_filterset, schedule_html


@task
def render_schedule(parameters, key):
    """Render the schedule for the register query string ``parameters`` and store it as ``key``."""
    filterset = schedule_filterset(QueryDict(parameters))
    contracts = schedule_contracts(filterset)
    pdf = html_to_pdf(schedule_html(contracts, describe_filters(filterset)))
    store_pdf(key, pdf)
    return key


def ticket_path(key):
    return stored_pdf_path(key).with_suffix(".json")


def read_ticket(key):
    """``{"task_id": …, "parameters": …}`` for a queued schedule, or None."""
    try:
        return json.loads(ticket_path(key).read_text())
    except (FileNotFoundError, ValueError):
        return None


def schedule_task_status(key):
    """The queued task's status (READY, RUNNING, FAILED, SUCCESSFUL), or None if unknown."""
    ticket = read_ticket(key)
    if ticket is None:
        return None
    try:
        return render_schedule.get_result(ticket["task_id"]).status
    except (TaskResultDoesNotExist, NotImplementedError, KeyError):
        return None


def queue_schedule(key, parameters):
    """Queue the schedule's rendering unless a task for it is already waiting or running."""
    if schedule_task_status(key) in {TaskResultStatus.READY, TaskResultStatus.RUNNING}:
        return
    result = render_schedule.enqueue(parameters, key)
    path = ticket_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"task_id": str(result.id), "parameters": parameters}))
