"""``make bench``: how fast the register is at 100, 10,000 and 100,000 contracts, on SQLite
and PostgreSQL.

Run as ``python -m bench.run`` (``make bench`` does; ``make bench BENCH_ARGS="--sizes
100,10000 --databases sqlite --pages-only"`` runs a part). Each database is
benchmarked in its own process, one after the other. It never touches the
development or test databases:

- SQLite: a fresh file, ``bench/bench.sqlite3``, deleted first.
- PostgreSQL: a dedicated database (``BENCH_DATABASE_NAME``, or ``<name>_bench`` when
  ``DATABASE_URL`` names a PostgreSQL database, else ``commissioning_bench``) created on the server of ``DATABASE_URL`` (when it
  is a PostgreSQL URL) or ``BENCH_POSTGRES_URL`` (default: the local server,
  ``postgres://postgres@127.0.0.1:5432/postgres``), dropped at the end.

One database grows through the sizes (bench/seed.py tops it up, in bulk): 100
contracts → pages; 200 → PDF; 1,000 → PDF through the background worker, XLSX
export and workbook import; 10,000 → pages and the XLSX export; 100,000 →
pages; then the synthetic rows are cleared and the real register loaded for
its PDF and the cached repeat download. The tables are printed and written to
``bench/results.md``. ``--only export`` (or ``import``) seeds and runs that one
stage alone.

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


def bench_database_name():
    """``BENCH_DATABASE_NAME``; else ``<name>_bench`` beside the database DATABASE_URL names (so
    people sharing a server, each with a database of their own, never drop each other's
    bench); else ``commissioning_bench``."""
    if "BENCH_DATABASE_NAME" in os.environ:
        return os.environ["BENCH_DATABASE_NAME"]
    given = os.environ.get("DATABASE_URL", "")
    name = (
        urlsplit(given).path.strip("/")
        if given.startswith(("postgres://", "postgresql://"))
        else ""
    )
    return f"{name}_bench" if name and name != "postgres" else "commissioning_bench"


BENCH_DATABASE = bench_database_name()
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASES = ("sqlite", "postgresql")
ONLY_STAGES = ("export", "import")

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


def postgres_server_url():
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://")):
        return given
    return os.environ.get("BENCH_POSTGRES_URL", LOCAL_POSTGRES)


def choose_database(database):
    """Point DATABASE_URL at the bench's own database; returns (engine label, cleanup)."""
    for name, value in BENCH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    # Stored PDFs go to a throwaway folder, never the development media folder.
    media = tempfile.mkdtemp(prefix="commissioning-bench-")
    os.environ["MEDIA_ROOT"] = media
    os.environ["PDF_CACHE_DIR"] = str(Path(media) / "pdf")
    if database == "postgresql":
        return "PostgreSQL", _create_postgres_database(postgres_server_url(), media)
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


def sizes(text):
    try:
        chosen = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give sizes like 100,10000,100000") from None
    if not chosen or chosen[0] < 1:
        raise argparse.ArgumentTypeError("give at least one size of 1 or more")
    return chosen


def databases(text):
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in DATABASES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"databases are {' and '.join(DATABASES)}")
    return chosen


def arguments(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        type=sizes,
        default=[100, 10_000, 100_000],
        help="contract counts, comma-separated (default 100,10000,100000)",
    )
    parser.add_argument(
        "--databases",
        type=databases,
        default=list(DATABASES),
        help="sqlite, postgresql or both, comma-separated (default both)",
    )
    parser.add_argument(
        "--export", type=int, default=10_000, help="size at which to time the XLSX export"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--pdf", type=int, default=200, help="rows for the PDF (default 200)")
    parser.add_argument(
        "--background", type=int, default=1_000, help="rows for the background PDF and workbook"
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="skip PDFs and the workbook (quick look)"
    )
    parser.add_argument(
        "--no-pdf",
        action="store_true",
        help="skip the PDFs (minutes of CPU each) but keep the workbook import and export",
    )
    parser.add_argument(
        "--only",
        choices=ONLY_STAGES,
        help="run one stage alone: export (the XLSX export at --export contracts) or import "
        "(the workbook import at --background contracts); no pages, PDFs or hostile uploads",
    )
    parser.add_argument(
        "--label", default="", help="added to the section's name, so a run keeps its own section"
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS_FILE, help="where to write the markdown"
    )
    return parser.parse_args(argv)


def main():
    options = arguments()
    if len(options.databases) > 1:
        return run_each_database(options)
    engine, cleanup = choose_database(options.databases[0])
    if options.only:
        # Its own section: one stage's figures never replace a whole run's.
        engine = f"{engine}, {options.only} only"
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


def run_each_database(options):
    """One process per database (Django reads its database once, at start), one after the other."""
    import subprocess

    failed = 0
    for database in options.databases:
        if database == "postgresql" and not _postgres_reachable():
            say(f"PostgreSQL skipped: no server at {_without_password(postgres_server_url())}.")
            continue
        argv = _replace_option(sys.argv[1:], "--databases", database)
        say(f"Benchmarking {database}…")
        failed |= subprocess.call([sys.executable, "-m", "bench.run", *argv])
    return failed


def _replace_option(argv, name, value):
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == name:
            skip = True
            continue
        if arg.startswith(name + "="):
            continue
        kept.append(arg)
    return [*kept, name, value]


def _postgres_reachable():
    try:
        import psycopg2

        psycopg2.connect(postgres_server_url(), connect_timeout=3).close()
        return True
    except Exception:
        return False


def _without_password(url):
    parts = urlsplit(url)
    host = parts.hostname or ""
    return urlunsplit(parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host))


if __name__ == "__main__":
    sys.exit(main())
