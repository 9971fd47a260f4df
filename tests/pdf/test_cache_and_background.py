"""A repeat download is served from storage; a large schedule is rendered by the task worker."""

import logging
import re
import signal
import uuid
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import models
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from commissioning import documents
from commissioning.dataversion import register_version
from commissioning.fy import FinancialYear
from contracts import tasks
from contracts.models import ContractValue
from outcomes.models import Outcome
from tests.factories import CategoryFactory, ContractFactory, OutcomeFactory

from .conftest import response_bytes

pytestmark = pytest.mark.django_db

FY = FinancialYear(2024)
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


@pytest.fixture
def render_spy():
    """Counts calls to the renderer while still rendering for real."""
    with mock.patch.object(documents, "render_pdf", wraps=documents.render_pdf) as spy:
        yield spy


@pytest.fixture
def run_the_worker():
    """What ``manage.py db_worker`` does beside the web process: run every queued task, then stop.

    The command takes over SIGINT/SIGTERM/SIGQUIT and its loggers' levels, as a
    worker process should; they are put back afterwards, so this test process
    still stops as a test process. Between tasks it closes database connections
    it thinks stale, which a connection inside a test's transaction looks like
    on PostgreSQL; here it keeps the test's one.
    """
    names = ["django_tasks_db", "django.tasks"]
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        yield lambda: call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--queue-name",
            "*",
            verbosity=0,
            stdout=StringIO(),
        )
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_a_repeat_download_of_an_unchanged_schedule_is_not_rendered_again(staff_client, render_spy):
    ContractFactory(title="Helpline")

    first = response_bytes(staff_client.get("/contracts/schedule.pdf?q=Help"))
    second = response_bytes(staff_client.get("/contracts/schedule.pdf?q=Help&status="))

    assert render_spy.call_count == 1
    assert first == second


def test_an_edit_makes_the_schedule_render_again(staff_client, render_spy, pdf_phrases):
    contract = ContractFactory(title="Helpline")
    response_bytes(staff_client.get("/contracts/schedule.pdf"))

    contract.title = "Renamed helpline"
    contract.save()
    text = pdf_phrases(response_bytes(staff_client.get("/contracts/schedule.pdf")))

    assert render_spy.call_count == 2
    assert "Renamed helpline" in text


def test_the_data_version_changes_with_any_edit_including_deletes():
    contract = ContractFactory()
    outcome = OutcomeFactory(contract=contract)
    versions = [register_version()]

    outcome.delete()
    versions.append(register_version())
    Outcome.objects.create(contract=contract, kind="aim", text="New aim")
    versions.append(register_version())
    category = contract.category
    category.name = "Renamed category"
    category.save()
    versions.append(register_version())
    CategoryFactory(name="Unused new category")
    versions.append(register_version())
    # Bulk changes write no history, and still change the version.
    ContractValue.objects.bulk_create(
        [ContractValue(contract=contract, start_date=FY.start, end_date=FY.end, amount=5)]
    )
    versions.append(register_version())
    # The register's querysets refuse update() (commissioning/audited.py); a plain
    # QuerySet stands for any other bulk write (a data migration, bench/seed.py).
    models.QuerySet(ContractValue).update(amount=7)
    versions.append(register_version())

    assert len(set(versions)) == len(versions)


@override_settings(SCHEDULE_BACKGROUND_ROWS=2)
def test_a_schedule_above_the_threshold_is_queued_not_rendered_in_the_request(
    staff_client, render_spy
):
    for _ in range(3):
        ContractFactory()

    response = staff_client.get("/contracts/schedule.pdf")

    assert render_spy.call_count == 0
    assert response.status_code == 302
    progress = staff_client.get(response["Location"])
    page = progress.content.decode()
    assert "Your schedule is being prepared" in page
    assert '<meta http-equiv="refresh" content="10">' in page
    assert DBTaskResult.objects.count() == 1
    # Asking again while it is queued does not queue it twice.
    assert staff_client.get("/contracts/schedule.pdf")["Location"] == response["Location"]
    assert DBTaskResult.objects.count() == 1


@override_settings(SCHEDULE_BACKGROUND_ROWS=2)
def test_the_worker_renders_a_queued_schedule_and_the_page_offers_the_file(
    staff_client, render_spy, pdf_phrases, run_the_worker
):
    for number in range(3):
        ContractFactory(title=f"Service number {number}")
    progress_url = staff_client.get("/contracts/schedule.pdf")["Location"]
    assert render_spy.call_count == 0  # not rendered in the request

    run_the_worker()
    page = staff_client.get(progress_url).content.decode()

    assert "Your schedule is ready" in page
    assert "http-equiv" not in page
    download_url = re.search(r'href="(/reports/schedule/[^"]+\.pdf)"', page).group(1)
    download = staff_client.get(download_url)
    assert download["Content-Type"] == "application/pdf"
    text = pdf_phrases(response_bytes(download))
    assert all(f"Service number {number}" in text for number in range(3))
    assert render_spy.call_count == 1  # by the worker, once
    # The file asked for is now stored: asking again downloads it at once.
    again = staff_client.get("/contracts/schedule.pdf")
    assert again["Content-Type"] == "application/pdf"
    assert response_bytes(again) == response_bytes(staff_client.get(download_url))


def test_the_render_task_stores_the_schedule_for_the_query_string(pdf_phrases, pdf_cache_dir):
    ContractFactory(title="Kept")
    ContractFactory(title="Filtered out")

    returned = tasks.render_schedule.call("q=Kept", "schedule-" + "0" * 40)

    assert returned == "schedule-" + "0" * 40
    text = pdf_phrases((pdf_cache_dir / f"{returned}.pdf").read_bytes())
    assert "Kept" in text
    assert "Filtered out" not in text


def test_an_unknown_progress_link_is_not_found(staff_client):
    assert staff_client.get(f"/reports/schedule/{uuid.uuid4()}/").status_code == 404
    assert staff_client.get("/reports/schedule/not-a-task/").status_code == 404
    assert staff_client.get("/reports/schedule/schedule-" + "1" * 40 + ".pdf").status_code == 404
    assert staff_client.get("/reports/schedule/not-a-key.pdf").status_code == 404


@override_settings(SCHEDULE_BACKGROUND_ROWS=1)
def test_a_failed_background_schedule_says_so_and_can_be_queued_again(staff_client):
    ContractFactory()
    ContractFactory()
    progress_url = staff_client.get("/contracts/schedule.pdf?q=Service")["Location"]

    DBTaskResult.objects.update(status="FAILED")
    page = staff_client.get(progress_url).content.decode()

    assert "The schedule could not be made" in page
    assert 'href="/contracts/schedule.pdf?q=Service"' in page
    assert "http-equiv" not in page  # no point checking again
    staff_client.get("/contracts/schedule.pdf?q=Service")
    assert DBTaskResult.objects.count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "/contracts/schedule.pdf?q=Help",
        "/contracts/HELP-1/summary.pdf",
        "/reports/expiring.pdf?months=24",
    ],
)
def test_each_document_calls_the_renderer_once_and_a_repeat_not_at_all(
    staff_client, render_spy, url
):
    ContractFactory(reference="HELP-1", title="Helpline")

    first = staff_client.get(url)
    again = staff_client.get(url)

    assert render_spy.call_count == 1
    assert response_bytes(first) == response_bytes(again)
    assert first["Content-Disposition"] == again["Content-Disposition"]
    assert again["Content-Disposition"].startswith("attachment;")
