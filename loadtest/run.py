"""`make load`: a bounded load test of the register on gunicorn and PostgreSQL, loopback only.

Builds a scratch PostgreSQL database from the real register, serves it with
gunicorn on 127.0.0.1 with production settings (HTTPS left to the proxy),
signs in 20 virtual users and has them read, for LOAD_SECONDS (at most 60):
the register page, a contract page and that contract's PDF summary, in turn.
Prints requests per second and the 95th-percentile response time per page;
exits 1 if any request failed or was not a 200.

Environment: DATABASE_URL (a PostgreSQL server; default the local one),
LOAD_USERS (20), LOAD_SECONDS (30, capped at 60), LOAD_PORT (8015),
LOAD_WORKERS (gunicorn workers, 3).
"""

import http.cookiejar
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
USERS = int(os.environ.get("LOAD_USERS", "20"))
SECONDS = min(float(os.environ.get("LOAD_SECONDS", "30")), 60.0)
PORT = int(os.environ.get("LOAD_PORT", "8015"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "3"))
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BASE = f"http://127.0.0.1:{PORT}"
USERNAME, PASSWORD = "load-test-viewer", secrets.token_urlsafe(16)


def scratch_database():
    if not SERVER.startswith(("postgres://", "postgresql://")):
        sys.exit("make load needs PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    name = f"register_load_{os.getpid()}"
    parts = urllib.parse.urlsplit(SERVER)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    return name, admin, urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def production_environment(database_url, media_root):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS_ONLY": "false",  # loopback HTTP: in production a proxy terminates TLS
        "ADMINS": "nobody@localhost",
        "EMAIL_HOST": "localhost",
        "SERVER_EMAIL": "nobody@localhost",
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
    }


def manage(environment, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=REPOSITORY, env=environment, check=True)


def prepare(environment):
    manage(environment, "migrate", "--noinput", "-v0")
    manage(environment, "load_register")
    script = (
        "from django.contrib.auth.models import Group, User;"
        f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r});"
        "u.groups.add(Group.objects.get(name='viewer'));"
        "from contracts.models import Contract;"
        "print(Contract.objects.current().order_by('reference').values_list('reference', flat=True)[0])"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=REPOSITORY,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def start_gunicorn(environment):
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "commissioning.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=REPOSITORY,
        env=environment,
        start_new_session=True,
    )
    # The first request imports the whole project: allow a busy machine a minute.
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up:
        try:
            urllib.request.urlopen(f"{BASE}/accounts/login/", timeout=30).read()
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit("gunicorn did not start")


def stop(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def signed_in_opener():
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{BASE}/accounts/login/", data=body, headers={"Referer": f"{BASE}/accounts/login/"}
    )
    final = opener.open(request, timeout=30)
    if "/accounts/login/" in final.geturl():
        sys.exit("the load-test user could not sign in")
    return opener


def virtual_user(opener, pages, deadline, timings, errors, lock):
    turn = 0
    while time.monotonic() < deadline:
        label, url = pages[turn % len(pages)]
        turn += 1
        started = time.monotonic()
        try:
            with opener.open(url, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError as error:
            status = f"{type(error).__name__}: {error}"
        elapsed = time.monotonic() - started
        with lock:
            if status == 200:
                timings.setdefault(label, []).append(elapsed)
            else:
                errors.append((label, url, status))


def p95(values):
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def main():
    name, admin, database_url = scratch_database()
    media_root = tempfile.mkdtemp(prefix="register-load-media-")
    environment = production_environment(database_url, media_root)
    server = None
    try:
        reference = prepare(environment)
        server = start_gunicorn(environment)
        print(f"Serving on {BASE}; signing in {USERS} users", flush=True)
        pages = [
            ("register", f"{BASE}/contracts/"),
            ("contract page", f"{BASE}/contracts/{reference}/"),
            ("contract PDF", f"{BASE}/contracts/{reference}/summary.pdf"),
        ]
        openers = [signed_in_opener() for _ in range(USERS)]
        try:
            openers[0].open(pages[2][1], timeout=60).read()
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            print("The contract PDF URL is not there yet (404): loading the pages only.")
            pages = pages[:2]
        timings, errors, lock = {}, [], threading.Lock()
        deadline = time.monotonic() + SECONDS
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=virtual_user, args=(opener, pages, deadline, timings, errors, lock)
            )
            for opener in openers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        if server is not None:
            stop(server)
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False)

    total = sum(len(values) for values in timings.values())
    every = [value for values in timings.values() for value in values]
    print(
        f"\n{USERS} users for {elapsed:.0f} s against gunicorn ({WORKERS} workers) and PostgreSQL"
    )
    print(f"{'page':<15} {'requests':>9} {'median ms':>10} {'p95 ms':>8}")
    for label, _url in pages:
        values = timings.get(label, [])
        if values:
            print(
                f"{label:<15} {len(values):>9} {statistics.median(values) * 1000:>10.0f} "
                f"{p95(values) * 1000:>8.0f}"
            )
    if every:
        print(
            f"{'all':<15} {total:>9} {statistics.median(every) * 1000:>10.0f} "
            f"{p95(every) * 1000:>8.0f}"
        )
    print(f"Requests per second: {total / elapsed:.1f}; errors: {len(errors)}")
    for label, url, status in errors[:10]:
        print(f"  error: {label} {url}: {status}")
    return 1 if errors or not total else 0


if __name__ == "__main__":
    sys.exit(main())
