"""``make bench``: how fast the register is at 100 and 10,000 contracts, in one process run.

Run as ``python -m bench.run`` (``make bench`` does). It never touches the
development or test databases:

- SQLite (the default): a fresh file, ``bench/bench.sqlite3``, deleted first.
- PostgreSQL (``DATABASE_URL=postgres://…``): a dedicated database,
  ``commissioning_bench``, created on that server and dropped at the end.

One database grows through the sizes (seed_scale tops it up): 100 contracts →
pages; 200 → PDF; 1,000 → PDF through the background worker, XLSX export and
workbook import; 10,000 → pages again; then the synthetic rows are cleared and
the real register loaded for its PDF and the cached repeat download. The table
is printed and written to ``bench/results.md``.

This module is the harness's entry point, so it sets the environment Django
reads (database URL, production-like settings) before Django starts.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
SQLITE_FILE = BENCH_DIR / "bench.sqlite3"
RESULTS_FILE = BENCH_DIR / "results.md"
BENCH_DATABASE = "commissioning_bench"

# Production-like settings: templates cached, no debug toolbar or query log.
# The test client speaks plain HTTP, so no HTTPS redirect; no mail is sent.
BENCH_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "commissioning.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-never-used-elsewhere",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "HTTPS_ONLY": "false",
    "ADMINS": "bench@example.invalid",
    "EMAIL_HOST": "localhost",
    "SERVER_EMAIL": "bench@example.invalid",
    "LOG_LEVEL": "WARNING",
}


def choose_database():
    """Point DATABASE_URL at the bench's own database; returns (engine label, cleanup)."""
    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    # Stored PDFs go to a throwaway folder, never the development media folder.
    media = tempfile.mkdtemp(prefix="commissioning-bench-")
    os.environ["MEDIA_ROOT"] = media
    os.environ["PDF_CACHE_DIR"] = str(Path(media) / "pdf")
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        return "PostgreSQL", _create_postgres_database(given, media)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    return "SQLite", lambda: shutil.rmtree(media, ignore_errors=True)


def _create_postgres_database(server_url, media):
    import psycopg2

    parts = urlsplit(server_url)
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    admin.close()
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))

    def drop():
        from django.db import connections

        connections.close_all()
        admin = psycopg2.connect(server_url)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(media, ignore_errors=True)

    return drop


def say(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def arguments():
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=100, help="first size (default 100)")
    parser.add_argument("--large", type=int, default=10_000, help="second size (default 10,000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--pdf", type=int, default=200, help="rows for the PDF (default 200)")
    parser.add_argument(
        "--background", type=int, default=1_000, help="rows for the background PDF and workbook"
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="skip PDFs and the workbook (quick look)"
    )
    parser.add_argument(
        "--label", default="", help="added to the section's name, so a run keeps its own section"
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS_FILE, help="where to write the markdown"
    )
    return parser.parse_args()


def main():
    options = arguments()
    engine, cleanup = choose_database()
    if options.label:
        engine = f"{engine}, {options.label}"
    import django

    django.setup()
    from bench import stages
    from bench.report import merge_into

    started = time.perf_counter()

    def write(report):
        # After every stage too, so an interrupted run still leaves its table.
        report.total_seconds = time.perf_counter() - started
        text = report.as_markdown()
        options.results.write_text(merge_into(options.results, text, engine))
        return text

    try:
        report = stages.run_all(engine, say, options, checkpoint=write)
    finally:
        cleanup()
    report.complete = True
    text = write(report)
    print()
    print(text)
    say(f"Wrote {options.results} in {report.total_seconds:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
