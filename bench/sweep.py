"""Time every list, report, export and admin page outside ``make bench``'s six, with its sorts and
filters, on a database already seeded: the sweep behind bench/results.md's "Pages outside the
bench at 100,000".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME python -m bench.seed --contracts 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME python -m bench.sweep [--runs 3] [--only TEXT]

It never creates, migrates or empties a database: it reads the one ``DATABASE_URL`` names,
signed in as a superuser (``bench``, made if missing), with make bench's production-like
settings (``bench.run.BENCH_ENVIRONMENT``) and ``PUBLIC_REGISTER`` on. Each page is fetched
once to warm up, then ``--runs`` times: the median wall and CPU time (``time.process_time``,
this process: Django and the driver, not the database server) are printed with the statements
of one more request. The public pages (``/published/…``) build the whole published register
each time, so they are fetched once, with the memory the request added at its peak (peak RSS −
RSS before). The synthetic contracts are not marked published: to time the exports at size,
mark them in your own database first (``UPDATE contracts_contract SET is_published = true``).
A Markdown table is printed at the end.
"""

import argparse
import os
import statistics
import sys
import time

import django

from bench.run import BENCH_ENVIRONMENT


def pages(sample):
    """(label, URL) for each page, sort and filter swept."""
    s = sample
    register = [
        ("Register", "/contracts/"),
        *(
            (f"Register, sort={key}", f"/contracts/?sort={key}")
            for key in (
                "reference",
                "-reference",
                "title",
                "category",
                "lead_provider",
                "-value_in_current_year",
                "value_in_current_year",
                "total_amount",
                "end_date",
                "-end_date",
                "current_status",
            )
        ),
        ("Register, provider", f"/contracts/?provider={s['provider']}"),
        ("Register, provider by name", f"/contracts/?provider={s['provider_name']}"),
        ("Register, commissioner", f"/contracts/?commissioner={s['commissioner']}"),
        ("Register, funding stream", f"/contracts/?funding_stream={s['stream']}"),
        ("Register, category", f"/contracts/?category={s['category']}"),
        ("Register, status=live", "/contracts/?status=live"),
        ("Register, status=ended", "/contracts/?status=ended"),
        ("Register, q (one word)", "/contracts/?q=service"),
        ("Register, q (reference)", f"/contracts/?q={s['reference']}"),
        ("Register, q (no match)", "/contracts/?q=zzzqqq"),
        ("Register, value_min", "/contracts/?value_min=500000"),
        ("Register, value range", "/contracts/?value_min=100000&value_max=200000"),
        ("Register, value range, sorted total", "/contracts/?value_max=50000&sort=-total_amount"),
        ("Register, ending_within=6", "/contracts/?ending_within=6"),
        ("Register, ending_within=6, sort end", "/contracts/?ending_within=6&sort=end_date"),
        ("Register, financial_year", "/contracts/?financial_year=2024/25"),
        ("Register, options_remaining", "/contracts/?options_remaining=yes"),
        ("Register, as_of", "/contracts/?as_of=2023-04-01"),
        (
            "Register, as_of, sorted value",
            "/contracts/?as_of=2023-04-01&sort=-value_in_current_year",
        ),
        ("Register, page 200", "/contracts/?page=200"),
        ("Register, page 1,000 sorted total", "/contracts/?page=1000&sort=-total_amount"),
    ]
    providers = [
        ("Providers", "/providers/"),
        *(
            (f"Providers, sort={key}", f"/providers/?sort={key}")
            for key in (
                "-name",
                "kind",
                "-contracts_held",
                "contracts_held",
                "-annual_value",
                "-total_value",
            )
        ),
        ("Providers, name filter", "/providers/?name=care"),
        ("Providers, name filter, sort held", "/providers/?name=care&sort=-contracts_held"),
        ("Providers, kind filter", "/providers/?kind=charity"),
        ("Provider suggestions", "/providers/suggest.json?q=care"),
    ]
    outcomes = [
        ("Outcomes", "/outcomes/"),
        *(
            (f"Outcomes, sort={key}", f"/outcomes/?sort={key}")
            for key in ("contract", "provider", "measure", "-value", "period")
        ),
        ("Outcomes, q", "/outcomes/?q=people"),
        ("Outcomes, measure", f"/outcomes/?measure={s['measure']}"),
        ("Outcomes, kind", "/outcomes/?kind=result"),
        ("Outcomes, category", f"/outcomes/?category={s['category']}"),
        ("Outcomes, provider", f"/outcomes/?provider={s['provider']}"),
        ("Outcomes, period", "/outcomes/?period=2024/25"),
    ]
    reports = [
        ("Dashboard", "/"),
        ("Expiring report", "/reports/expiring/"),
        ("Data-quality report", "/reports/data-quality/"),
        ("Publication report", "/reports/publication/"),
    ]
    published = [
        ("Published page", "/published/"),
        ("Published contracts.csv", "/published/contracts.csv"),
        ("Published grants.csv", "/published/grants.csv"),
        ("Published ocds.json", "/published/ocds.json"),
        ("Published 360giving.json", "/published/360giving.json"),
    ]
    admin = [
        ("Admin contracts", "/admin/contracts/contract/"),
        ("Admin contracts, search", "/admin/contracts/contract/?q=care"),
        (
            "Admin contracts, category",
            f"/admin/contracts/contract/?category__id__exact={s['category']}",
        ),
        ("Admin contracts, sort end", "/admin/contracts/contract/?o=6"),
        ("Admin values", "/admin/contracts/contractvalue/"),
        ("Admin values, search", "/admin/contracts/contractvalue/?q=care"),
        (
            "Admin values, stream",
            f"/admin/contracts/contractvalue/?funding_stream__id__exact={s['stream']}",
        ),
        ("Admin options", "/admin/contracts/extensionoption/"),
        ("Admin options, search", "/admin/contracts/extensionoption/?q=care"),
        ("Admin outcomes", "/admin/outcomes/outcome/"),
        ("Admin outcomes, search", "/admin/outcomes/outcome/?q=people"),
        ("Admin outcomes, measure", f"/admin/outcomes/outcome/?measure__id__exact={s['measure']}"),
        ("Admin providers", "/admin/providers/provider/"),
        ("Admin providers, search", "/admin/providers/provider/?q=care"),
        ("Admin providers, kind", "/admin/providers/provider/?kind__exact=charity"),
        ("Admin contract change", f"/admin/contracts/contract/{s['contract_pk']}/change/"),
        ("Admin provider change", f"/admin/providers/provider/{s['provider']}/change/"),
    ]
    return register + providers + outcomes + reports + published + admin


def choose_sample():
    from contracts.models import Category, CommissioningBody, Contract, FundingStream
    from outcomes.models import Measure
    from providers.models import Provider

    contract = Contract.objects.current().order_by("reference").first()
    provider = Provider.objects.current().order_by("pk").first()
    return {
        "reference": contract.reference,
        "contract_pk": contract.pk,
        "provider": provider.pk,
        "provider_name": provider.name,
        "commissioner": CommissioningBody.objects.order_by("pk").first().pk,
        "stream": FundingStream.objects.order_by("pk").first().pk,
        "category": Category.objects.order_by("pk").first().pk,
        "measure": Measure.objects.order_by("pk").first().pk,
    }


def fetch(client, url):
    response = client.get(url)
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    return response.status_code, size


def measure(client, label, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.measure import count_queries, current_rss_mb, peak_rss_mb, reset_peak_rss

    if url.startswith("/published/"):
        return measure_once(client, label, url)
    status, size = fetch(client, url)
    if status != 200:
        return {"label": label, "url": url, "status": status}
    walls, cpus = [], []
    peak = None
    for _ in range(runs):
        before = current_rss_mb()
        reset_peak_rss()
        wall, cpu = time.perf_counter(), time.process_time()
        fetch(client, url)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        peak = max(peak or 0, peak_rss_mb() - before)
    with CaptureQueriesContext(connection) as queries:
        fetch(client, url)
    return {
        "label": label,
        "url": url,
        "status": status,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "statements": count_queries(queries.captured_queries),
        "kb": size / 1024,
        "peak_mb": peak,
    }


def measure_once(client, label, url):
    """The public pages build the whole published register for each request (a repeat visit
    with the ETag gets a 304): one request, timed with its statements and peak memory."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.measure import count_queries, current_rss_mb, peak_rss_mb, reset_peak_rss

    before = current_rss_mb()
    reset_peak_rss()
    wall, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        status, size = fetch(client, url)
    return {
        "label": label,
        "url": url,
        "status": status,
        "wall": (time.perf_counter() - wall) * 1000,
        "cpu": (time.process_time() - cpu) * 1000,
        "statements": count_queries(queries.captured_queries),
        "kb": size / 1024,
        "peak_mb": peak_rss_mb() - before,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Timed requests per page (median).")
    parser.add_argument("--only", default="", help="Only pages whose label contains this text.")
    parser.add_argument(
        "--skip", action="append", default=[], help="Leave out pages whose label contains this."
    )
    options = parser.parse_args(argv)

    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["PUBLIC_REGISTER"] = "true"
    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from contracts.models import Contract

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    print(
        f"# {connection.vendor}, {Contract.objects.count():,} contracts, "
        f"load {os.getloadavg()[0]:.2f}, {options.runs} runs each",
        file=sys.stderr,
    )
    rows = []
    for label, url in pages(choose_sample()):
        if options.only.lower() not in label.lower() or any(
            skipped.lower() in label.lower() for skipped in options.skip
        ):
            continue
        row = measure(client, label, url, options.runs)
        rows.append(row)
        if "wall" in row:
            print(
                f"{row['wall']:8.0f} ms {row['cpu']:7.0f} cpu {row['statements']:4} st  {label}",
                file=sys.stderr,
            )
        else:
            print(f"   HTTP {row['status']}  {label}", file=sys.stderr)
    print("| Page | URL | ms | CPU ms | Statements | Size, KB | Peak +MB |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for row in rows:
        if "wall" not in row:
            print(f"| {row['label']} | `{row['url']}` | HTTP {row['status']} | | | | |")
            continue
        peak = f"{row['peak_mb']:.0f}" if row["url"].startswith("/published/") else ""
        print(
            f"| {row['label']} | `{row['url']}` | {row['wall']:.0f} | {row['cpu']:.0f} "
            f"| {row['statements']} | {row['kb']:.0f} | {peak} |"
        )


if __name__ == "__main__":
    main()
