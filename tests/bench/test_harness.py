import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from bench.measure import count_queries, time_pages
from bench.report import Report, merge_into

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.fixture
def signed_in():
    user = get_user_model().objects.create_user("bench", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def register():
    call_command("seed_scale", contracts=60, stdout=io.StringIO())


def references_on(html):
    return re.findall(r'href="/contracts/(SYN-\d+)/"', html)


def test_the_floor_returns_the_same_first_50_rows_as_the_register_page(signed_in, register):
    page = signed_in.get("/contracts/").content.decode()
    floor = json.loads(signed_in.get("/bench/floor.json").content)["rows"]

    assert [row["reference"] for row in floor] == references_on(page)[:50]
    assert len(floor) == 50


def test_the_stock_view_lists_the_same_contracts_with_the_same_filters(signed_in, register):
    ours = signed_in.get("/contracts/?status=live").content.decode()
    stock = signed_in.get("/bench/stock/?status=live").content.decode()

    assert sorted(set(references_on(stock))) == sorted(set(references_on(ours)))
    assert "table" in stock


def test_time_pages_times_every_request_and_counts_queries_without_transaction_control(
    signed_in, register
):
    timings = time_pages(signed_in, {"floor": "/bench/floor.json"}, requests=4, warmup=1)

    floor = timings["floor"]
    assert len(floor.times_ms) == 4
    assert floor.median_ms > 0
    assert floor.query_count == 4  # session, user, the rows, session save
    assert count_queries([{"sql": "BEGIN"}, {"sql": "SELECT 1"}, {"sql": "COMMIT"}]) == 1


def test_a_page_that_fails_is_reported_not_timed(signed_in):
    timings = time_pages(signed_in, {"missing": "/contracts/NOPE/"}, requests=3, warmup=1)

    assert timings["missing"].error == "HTTP 404"
    assert timings["missing"].times_ms == []


def test_the_report_replaces_its_own_engine_section_and_keeps_the_rest(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# Benchmark results\n\nWhat we found: notes.\n")
    report = Report(engine="SQLite", cores=2, requests=30)
    report.add_extra("XLSX export", "1.0 s")

    once = merge_into(results, report.as_markdown(), "SQLite")
    results.write_text(once)
    twice = merge_into(results, report.as_markdown(), "SQLite")

    assert twice.count("<!-- bench:SQLite -->") == 1
    assert "What we found: notes." in twice
    assert "| XLSX export | 1.0 s |" in twice
