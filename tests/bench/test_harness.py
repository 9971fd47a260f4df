import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bench import seed as synthetic
from bench import stages
from bench.measure import PageTiming, count_queries, time_pages
from bench.report import (
    FLOOR_PAGE,
    REGISTER_PAGE,
    SAME_ROWS_PAGE,
    STOCK_PAGE,
    Report,
    merge_into,
)
from bench.run import arguments

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.fixture
def signed_in():
    user = get_user_model().objects.create_user("bench", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def register():
    synthetic.top_up(60)


def references_on(html):
    return re.findall(r'href="/contracts/(SYN-\d+)/"', html)


@pytest.mark.parametrize("floor_url", ["/bench/floor.json", "/bench/floor-with-totals.json"])
def test_each_floor_returns_the_same_first_50_rows_as_the_register_page(
    signed_in, register, floor_url
):
    page = signed_in.get("/contracts/").content.decode()
    floor = json.loads(signed_in.get(floor_url).content)["rows"]

    assert [row["reference"] for row in floor] == references_on(page)[:50]
    assert len(floor) == 50


def test_the_floor_of_stored_fields_computes_no_money(signed_in, register):
    row = json.loads(signed_in.get("/bench/floor.json").content)["rows"][0]
    with_totals = json.loads(signed_in.get("/bench/floor-with-totals.json").content)["rows"][0]

    assert "total_amount" not in row
    assert set(row) < set(with_totals)
    assert "total_amount" in with_totals


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
    assert floor.query_count == 3  # session, user, the rows (the session is saved once a minute)
    assert count_queries([{"sql": "BEGIN"}, {"sql": "SELECT 1"}, {"sql": "COMMIT"}]) == 1


def test_the_once_a_minute_session_save_is_not_counted_against_the_page_that_drew_it():
    captured = [
        {"sql": 'SELECT "django_session"."session_data" FROM "django_session"'},
        {"sql": "SELECT 1"},
        {"sql": 'UPDATE "django_session" SET "session_data" = %s'},
    ]

    assert count_queries(captured) == 2


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


def test_sizes_and_databases_are_read_from_the_command_line():
    options = arguments(["--sizes", "10000,100,100_000", "--databases", "sqlite"])

    assert options.sizes == [100, 10_000, 100_000]
    assert options.databases == ["sqlite"]
    assert arguments([]).sizes == [100, 10_000, 100_000]
    assert arguments([]).databases == ["sqlite", "postgresql"]
    with pytest.raises(SystemExit):
        arguments(["--databases", "oracle"])
    assert arguments(["--only", "export"]).only == "export"
    assert arguments([]).only is None
    with pytest.raises(SystemExit):
        arguments(["--only", "pages"])


# Committed rows: the export runs in a forked child on a connection of its own.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("rows_migrations_made_put_back")
def test_only_export_seeds_to_the_export_size_and_times_the_export_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    options = arguments(["--only", "export", "--export", "30", "--databases", "sqlite"])
    report = Report(engine="SQLite", cores=2, requests=0, sizes=(30,))

    stages.run_one_stage(report, options, say=lambda message: None)

    assert synthetic.synthetic_contracts().count() == 30
    assert not report.pages
    assert not report.exports[30].error
    assert report.exports[30].result == 30


def fake_timing(name, median, queries=5):
    return PageTiming(name=name, url="/", times_ms=[median] * 3, queries=[queries] * 3)


def test_the_targets_bound_growth_per_size_and_the_floor_at_10000():
    report = Report(engine="SQLite", cores=2, requests=3, sizes=(100, 10_000, 100_000))
    for size, register_ms in ((100, 40), (10_000, 56), (100_000, 90)):
        report.add_page(size, REGISTER_PAGE, fake_timing(REGISTER_PAGE, register_ms))
        report.add_page(size, FLOOR_PAGE, fake_timing(FLOOR_PAGE, 20))
        report.add_page(size, STOCK_PAGE, fake_timing(STOCK_PAGE, 120))

    text = report.as_markdown()

    assert "- met: latency at 10,000 within 1.5× of 100" in text
    assert (
        "- **missed**: latency at 100,000 within 2× of 100 (over: Register, page 1 2.25×)" in text
    )
    assert "- met: register page ÷ floor of stored fields at 10,000: 2.8× ≤ 3×" in text
    assert "- met: register page ≥ 2× faster than the stock view at every size" not in text
    assert "**missed**: register page ≥ 2× faster than the stock view at every size" in text


def test_the_same_rows_page_draws_the_filtered_register_five_rows_at_a_time(signed_in):
    synthetic.top_up(400)
    pages = {page.name: page.url(stages.sample()) for page in stages.PAGES}

    filtered = references_on(signed_in.get(pages["Register, filtered"]).content.decode())
    same_rows = references_on(signed_in.get(pages[SAME_ROWS_PAGE]).content.decode())

    assert len(filtered) > 5
    assert same_rows == filtered[:5]


def test_the_same_rows_page_is_printed_beside_the_growth_target_not_as_one():
    report = Report(engine="SQLite", cores=2, requests=3, sizes=(100, 10_000))
    for size, filtered_ms, same_rows_ms in ((100, 10, 10), (10_000, 17, 11)):
        report.add_page(size, "Register, filtered", fake_timing("Register, filtered", filtered_ms))
        report.add_page(size, SAME_ROWS_PAGE, fake_timing(SAME_ROWS_PAGE, same_rows_ms))

    text = report.as_markdown()

    assert (
        "**missed**: latency at 10,000 within 1.5× of 100 (over: Register, filtered 1.70×)" in text
    )
    assert (
        f"- for comparison, {SAME_ROWS_PAGE} (the same number of rows drawn at every size) "
        "over its time at 100: 1.10× at 10,000" in text
    )
