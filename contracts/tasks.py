"""Background rendering of large schedules with Django's tasks framework.

A schedule of more than ``SCHEDULE_BACKGROUND_ROWS`` contracts takes longer to
render than a web request should wait (about 45 ms a dense row), so
``ScheduleDocument.response()`` queues ``render_schedule`` and sends the
browser to the progress page, which looks the task up by its id: the task's
own result (kept by django-tasks-db) says whether it is waiting, running,
failed or done, which schedule it is for, and under which key the worker
stored the PDF.
"""

from django.http import QueryDict
from django.tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .documents import ScheduleDocument


@task
def render_schedule(parameters, key):
    """Render the schedule for the register query string ``parameters`` and store it as ``key``.

    The key is the one the schedule had when it was asked for, so asking again
    finds this task's file; returns it.
    """
    document = ScheduleDocument(QueryDict(parameters))
    document.key = key
    return document.store()


def queue_schedule(document):
    """The id of the task preparing ``document``: one already waiting or running, else a new one."""
    waiting = (
        DBTaskResult.objects.filter(
            task_path=render_schedule.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            args_kwargs__args__1=document.key,
        )
        .values_list("id", flat=True)
        .first()
    )
    if waiting is not None:
        return waiting
    return render_schedule.enqueue(document.parameters, document.key).id
