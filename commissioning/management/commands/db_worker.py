"""``manage.py db_worker``: django-tasks-db's worker, which also takes back orphaned tasks.

A worker killed mid-task (SIGKILL, out of memory, a power cut) leaves its task
marked RUNNING for ever, so a large schedule asked for then would never be
ready. This worker names itself after its host and process id, and when it
starts it puts back in the queue every task still RUNNING under a worker of
this host whose process is gone. The task runs again from the start; the
schedule task stores its PDF under its own key, so running it twice leaves one
PDF. Tasks of workers on other hosts, and of live workers, are left alone.
"""

import logging
import os
import socket

from django.tasks import TaskResultStatus
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("django_tasks_db")


def this_host():
    return socket.gethostname()[:30]


def new_worker_id():
    """``host:pid:random``, at most 64 characters."""
    return f"{this_host()}:{os.getpid()}:{get_random_string(12)}"


def is_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def orphaned(worker_id, host):
    """Whether ``worker_id`` names a worker of ``host`` whose process has ended."""
    parts = worker_id.split(":")
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    return int(parts[1]) != os.getpid() and not is_alive(int(parts[1]))


def requeue_orphaned_tasks():
    """Put RUNNING tasks whose worker on this host has died back in the queue; their ids."""
    host = this_host()
    ids = [
        task.id
        for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if task.worker_ids and orphaned(task.worker_ids[-1], host)
    ]
    if ids:
        DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        for task_id in ids:
            logger.warning("Task id=%s was left running by a dead worker: queued again", task_id)
    return ids


class Command(db_worker.Command):
    help = db_worker.Command.help + "; takes back tasks a dead worker on this host left running"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=new_worker_id())

    def handle(self, *arguments, **options):
        self.configure_logging(options["verbosity"])
        requeue_orphaned_tasks()
        return super().handle(*arguments, **options)
