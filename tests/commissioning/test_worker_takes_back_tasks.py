"""A task worker killed mid-task: the next worker on the host queues its task again."""

import os
import subprocess
import sys

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from commissioning.management.commands.db_worker import (
    new_worker_id,
    requeue_orphaned_tasks,
    this_host,
)

pytestmark = pytest.mark.django_db


def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_task(worker_id):
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path="contracts.tasks.render_schedule",
        args_kwargs={"args": ["", "schedule-key"], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        worker_ids=[worker_id],
    )


def test_a_task_left_running_by_a_dead_worker_is_queued_again():
    orphan = running_task(f"{this_host()}:{dead_pid()}:abc")
    alive = running_task(f"{this_host()}:{os.getppid()}:abc")
    elsewhere = running_task(f"another-host:{dead_pid()}:abc")
    unnamed = running_task("a" * 32)  # a worker of the package's own naming

    assert requeue_orphaned_tasks() == [orphan.id]

    statuses = {
        task.id: task.status
        for task in DBTaskResult.objects.filter(
            pk__in=[orphan.pk, alive.pk, elsewhere.pk, unnamed.pk]
        )
    }
    assert statuses == {
        orphan.id: TaskResultStatus.READY,
        alive.id: TaskResultStatus.RUNNING,
        elsewhere.id: TaskResultStatus.RUNNING,
        unnamed.id: TaskResultStatus.RUNNING,
    }


def test_the_worker_names_itself_after_its_host_and_process():
    host, pid, _ = new_worker_id().split(":")
    assert (host, int(pid)) == (this_host(), os.getpid())
    assert len(new_worker_id()) <= 64
