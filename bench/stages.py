"""The benchmark's stages, run in order on one database that grows between them.

Each stage records its figures in the ``Report``; a stage whose page or
function does not exist (yet) records why instead of stopping the run, so a
partial table is still a table.
"""

import importlib
import os
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from bench import seed as synthetic
from bench.measure import (
    HeavyRun,
    current_rss_mb,
    in_child,
    peak_rss_mb,
    reset_peak_rss,
    run_here,
    time_pages,
)
from bench.report import Report
from contracts.models import Category, Contract
from providers.models import Provider


@dataclass
class Page:
    """A page to time: a name, how to build its URL from the data present, and its stock twin."""

    name: str
    url: object  # callable(Sample) -> str
    compare_with: list = field(default_factory=list)  # names of bench-only pages to compare


@dataclass
class Sample:
    """Rows the page URLs point at, chosen the same way at every size."""

    contract_reference: str
    provider_pk: int
    category_pk: int


def sample():
    contract = Contract.objects.current().order_by("reference").first()
    # The provider holding the most contracts: the heaviest provider page.
    provider = (
        Provider.objects.filter(name__startswith="Synthetic ").order_by("pk").first()
        or Provider.objects.order_by("pk").first()
    )
    category = Category.objects.order_by("pk").first()
    return Sample(contract.reference, provider.pk, category.pk)


def url_for(name, *args, query=""):
    return reverse(name, args=args) + (f"?{query}" if query else "")


REGISTER = "contracts:list"
FILTERED_QUERY = "status=live&category={category}&options_remaining=yes"
SORTED_QUERY = "sort=-total_amount"

PAGES = [
    Page("Register, page 1", lambda s: url_for(REGISTER)),
    Page(
        "Register, filtered",
        lambda s: url_for(REGISTER, query=FILTERED_QUERY.format(category=s.category_pk)),
    ),
    Page("Register, sorted", lambda s: url_for(REGISTER, query=SORTED_QUERY)),
    # The filter matches 5 contracts at 100 and fills the page of 50 beyond: the same
    # filter, 5 rows a page, compares like with like (report.SAME_ROWS_PAGE).
    Page(
        "Register, filtered, 5 rows a page",
        lambda s: url_for(
            REGISTER, query=FILTERED_QUERY.format(category=s.category_pk) + "&per_page=5"
        ),
    ),
    Page("Contract page", lambda s: url_for("contracts:detail", s.contract_reference)),
    Page("Dashboard", lambda s: url_for("reports:dashboard")),
    Page("Provider page", lambda s: url_for("providers:detail", s.provider_pk)),
]
# Routed only inside the bench (bench/urls.py): the floors and the stock view.
FLOOR = Page("Bare JSON floor, stored fields (same 50 rows)", lambda s: url_for("bench:floor"))
FLOOR_WITH_TOTALS = Page(
    "Bare JSON floor with totals computed (same 50 rows)",
    lambda s: url_for("bench:floor-with-totals"),
)
STOCK = Page("Stock SingleTableMixin + FilterView", lambda s: url_for("bench:stock"))


LOCAL_MAIL = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def seed(contracts, say):
    say(synthetic.top_up(contracts))


def logged_in_client():
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def measure_pages(report, size, requests, say):
    client = logged_in_client()
    chosen = sample()
    urls = {}
    # The web process's memory: resident before, and its peak while serving the pages.
    reset_peak_rss()
    rss_before = current_rss_mb()
    for page in [*PAGES, FLOOR, FLOOR_WITH_TOTALS, STOCK]:
        try:
            urls[page.name] = page.url(chosen)
        except NoReverseMatch:
            report.add_page(size, page.name, None, note="page not built yet")
    try:
        timings = time_pages(client, urls, requests=requests)
    except Exception as error:
        traceback.print_exc()
        for name in urls:
            report.add_page(size, name, None, note=f"error: {error!r}"[:120])
        return
    report.add_memory(size, rss_before, peak_rss_mb())
    say(f"{size:>6} web process: RSS {rss_before:.0f} MB before, peak {peak_rss_mb():.0f} MB")
    for name, timing in timings.items():
        report.add_page(size, name, timing)
        say(
            f"{size:>6} {name}: median {timing.median_ms or 0:.1f} ms, "
            f"p95 {timing.p95_ms or 0:.1f} ms, {timing.query_count} queries {timing.error}"
        )


# PDFs ---------------------------------------------------------------------


def schedule_functions():
    """The schedule's two halves as the document uses them: its HTML, and HTML to PDF."""
    documents = importlib.import_module("contracts.documents")
    pdf = importlib.import_module("commissioning.pdf")

    def schedule_html():
        document = documents.ScheduleDocument(QueryDict())
        return pdf.render_document_html(
            document.template_name, document.context(), title=document.title
        )

    return schedule_html, pdf.html_to_pdf, pdf


def bare_weasyprint(html):
    """WeasyPrint and nothing else: the same HTML, the same document asked for.

    The issue requires a tagged PDF/UA document, so the bare render asks
    WeasyPrint for the same variant; everything else is WeasyPrint's default
    (its own URL fetcher). The difference from ours is then our own code: the
    queries, the template and the local-only fetcher.
    """
    from weasyprint import HTML

    pdf = importlib.import_module("commissioning.pdf")
    document = HTML(string=html, base_url=pdf.static_base_url())
    return len(document.write_pdf(pdf_variant=pdf.PDF_VARIANT))


def ours_pdf():
    """Our whole path for the schedule: queryset, HTML, PDF/UA render (as the view does)."""
    documents = importlib.import_module("contracts.documents")
    return len(documents.ScheduleDocument(QueryDict()).render())


def measure_pdf(report, label, say, runs=1):
    try:
        schedule_html, _, _ = schedule_functions()
    except (ImportError, AttributeError) as error:
        report.add_pdf(label, None, None, note=f"not available: {error}")
        return
    contracts = Contract.objects.current().count()
    html = schedule_html()
    for _ in range(runs):
        ours = in_child(ours_pdf)
        bare = in_child(lambda: bare_weasyprint(html))
        report.add_pdf(f"{label} ({contracts:,} contracts)", ours, bare)
        say(
            f"PDF {label}: ours {ours.seconds:.1f} s / {ours.peak_mb:.0f} MB, "
            f"bare {bare.seconds:.1f} s / {bare.peak_mb:.0f} MB {ours.error or bare.error}"
        )


def measure_cached_download(report, say):
    """A second download of an unchanged schedule, through the view."""
    client = logged_in_client()
    try:
        url = reverse("contracts:schedule-pdf")
    except NoReverseMatch:
        report.add_extra("Schedule PDF, repeat download (cached)", "page not built yet")
        return
    first = run_here(lambda: client.get(url))
    name = "Schedule PDF, repeat download (cached)"
    timing = time_pages(client, {name: url}, requests=30, warmup=0)[name]
    report.add_extra(
        "Schedule PDF, first download",
        f"{first.seconds * 1000:.0f} ms (HTTP {first.result.status_code})",
    )
    report.add_page("real", name, timing)
    say(f"Cached schedule: median {timing.median_ms or 0:.1f} ms, {timing.query_count} queries")


def measure_background_pdf(report, size, say):
    """The 1,000-row schedule through the background task, rendered by a separate worker."""
    client = logged_in_client()
    try:
        url = reverse("contracts:schedule-pdf")
    except NoReverseMatch:
        report.add_extra(f"Background schedule ({size:,})", "page not built yet")
        return
    rss_before = current_rss_mb()
    response = client.get(url)
    say(f"Schedule request at 1,000 answered HTTP {response.status_code}")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--queue-name", "*"],
        cwd=settings.BASE_DIR,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    started = time.perf_counter()
    _, status, usage = os.wait4(worker.pid, 0)
    worker.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    rss_after = current_rss_mb()
    report.add_background(
        seconds=seconds,
        worker_peak_mb=usage.ru_maxrss / 1024,
        web_before_mb=rss_before,
        web_after_mb=rss_after,
        status=response.status_code,
        error=worker.stderr.read().decode()[-300:] if worker.returncode else "",
    )
    say(
        f"Background schedule: worker {seconds:.1f} s, peak {usage.ru_maxrss / 1024:.0f} MB; "
        f"web RSS {rss_before:.0f} → {rss_after:.0f} MB"
    )


# Workbook -----------------------------------------------------------------


def _workbook():
    workbook = importlib.import_module("contracts.workbook")
    return workbook.write_workbook, workbook.import_workbook


def measure_export(report, size, say):
    """XLSX export of the whole register, in a forked child: its time and the memory it added."""
    try:
        write_workbook, _ = _workbook()
    except (ImportError, AttributeError) as error:
        report.add_extra(f"XLSX export ({size:,})", f"not available: {error}")
        return None
    # In this run's own throwaway media folder: two runs at once never share the file.
    path = Path(settings.MEDIA_ROOT) / f"bench-export-{size}.xlsx"
    exported = in_child(lambda: write_workbook(path))
    report.add_export(size, exported)
    say(
        f"XLSX export of {size:,}: {_seconds(exported)} (CPU {exported.cpu_seconds:.1f} s), "
        f"peak +{exported.peak_mb:.0f} MB"
    )
    return path


def measure_import(report, size, say):
    """The whole register exported, then imported into a register emptied of it."""
    try:
        _, import_workbook = _workbook()
    except (ImportError, AttributeError) as error:
        report.add_extra(f"Workbook import ({size:,})", f"not available: {error}")
        return
    path = measure_export(report, size, say)
    if path is None:
        return
    # Reading the file alone (no database), to tell it apart from checking and writing.
    read = run_here(
        lambda: importlib.import_module("contracts.workbook.reader").read_workbook(path)
    )
    report.add_extra(
        f"Workbook import ({size:,}): of which reading the file",
        _seconds(read) + ("" if read.error else f" (CPU {read.cpu_seconds:.1f} s)"),
    )
    # Import into an empty register, so every row is really written.
    synthetic.clear()
    imported = run_here(lambda: import_workbook(path))
    result = imported.result
    if not imported.error and (result.errors or not result.written):
        imported.error = "; ".join(str(error) for error in result.errors[:2]) or "not written"
    report.add_import(size, imported)
    path.unlink(missing_ok=True)
    say(
        f"Workbook import of {size:,}: {_seconds(imported)} (CPU {imported.cpu_seconds:.1f} s; "
        f"reading the file {_seconds(read)}, CPU {read.cpu_seconds:.1f} s)"
    )
    # The import may have failed: top the register up again either way.
    seed(size, say)


def _seconds(run: HeavyRun):
    if run.error:
        return "error: " + run.error.strip().splitlines()[-1][:100]
    return f"{run.seconds:.1f} s"


def measure_real_register(report, say):
    """Clear the synthetic rows, load the real register, and time its PDF and cached repeat."""
    synthetic.clear()
    fixture = settings.BASE_DIR / "fixtures" / "cumbria_register.json"
    if not fixture.exists():
        report.add_extra("Real register PDF", "fixtures/cumbria_register.json missing")
        return
    call_command("load_register", stdout=StringIO())
    measure_pdf(report, "Schedule, real register", say)
    measure_cached_download(report, say)


def measure_hostile_uploads(report, say):
    """Each hostile workbook checked as the admin upload checks it; the worst is reported."""
    import tempfile
    from pathlib import Path

    from bench.hostile import HOSTILE_UPLOADS
    from contracts.workbook import import_workbook

    worst = None
    with tempfile.TemporaryDirectory() as folder:
        for label, build in HOSTILE_UPLOADS.items():
            path = Path(folder) / "hostile.xlsx"
            path.write_bytes(build())
            size_kb = path.stat().st_size / 1024
            run = in_child(lambda path=path: len(import_workbook(path, dry_run=True).errors))
            if run.error:
                value = "error: " + run.error.strip().splitlines()[-1][:100]
            else:
                value = (
                    f"{run.seconds:.2f} s, peak +{run.peak_mb:.0f} MB, {size_kb:.1f} KB file, "
                    f"{run.result} problem(s) reported"
                )
                if worst is None or run.seconds > worst[1].seconds:
                    worst = (label, run)
            report.add_extra(f"Hostile upload: {label}", value)
            say(f"Hostile upload, {label}: {value}")
    if worst is not None:
        label, run = worst
        report.add_extra(
            "Hostile upload, the worst", f"{label}: {run.seconds:.2f} s, peak +{run.peak_mb:.0f} MB"
        )


# The run --------------------------------------------------------------------


def run_one_stage(report, options, say):
    """``--only export`` or ``--only import``: seed to that stage's size and run it alone."""
    if options.only == "export":
        seed(options.export, say)
        path = measure_export(report, options.export, say)
        if path:
            path.unlink(missing_ok=True)
    elif options.only == "import":
        seed(options.background, say)
        measure_import(report, options.background, say)
    connection.close()
    return report


def run_all(engine, say, options, checkpoint=lambda report: None):
    sizes = sorted(options.sizes)
    report = Report(
        engine=engine,
        cores=os.cpu_count(),
        requests=options.requests,
        sizes=tuple(sizes),
    )
    say(f"{engine}, {os.cpu_count()} cores. Migrating the bench database…")
    call_command("migrate", verbosity=0)
    if getattr(options, "only", None):
        return run_one_stage(report, options, say)
    # Error reports go nowhere: a failing page is reported in the table, not mailed.
    with override_settings(ROOT_URLCONF="bench.urls", MAILERS=LOCAL_MAIL, ADMINS=[]):
        for index, size in enumerate(sizes):
            # One database grows through the sizes: each is seeded once, by topping up.
            seed(size, say)
            measure_pages(report, size, options.requests, say)
            checkpoint(report)
            if options.pages_only:
                continue
            if index == 0 and size <= options.pdf:
                # The heavy one-offs, at their own sizes, while the register is still small.
                if not options.no_pdf:
                    seed(options.pdf, say)
                    measure_pdf(report, f"Schedule, {options.pdf:,}", say)
                    checkpoint(report)
                seed(options.background, say)
                if not options.no_pdf:
                    measure_background_pdf(report, options.background, say)
                measure_import(report, options.background, say)
                checkpoint(report)
            if size == options.export:
                path = measure_export(report, size, say)
                if path:
                    path.unlink(missing_ok=True)
                checkpoint(report)
        if not options.pages_only:
            measure_hostile_uploads(report, say)
            checkpoint(report)
        if not (options.pages_only or options.no_pdf):
            measure_real_register(report, say)
    connection.close()
    return report
