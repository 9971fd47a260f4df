"""`make load`: Locust against gunicorn and a private PostgreSQL, with faults, loopback only.

1. Creates a private PostgreSQL cluster in a temporary directory (initdb as the
   ``postgres`` OS user when run as root; trust auth; port LOAD_PG_PORT, 5440),
   migrates it and loads the real register. The shared server is never touched.
2. Starts gunicorn (LOAD_WORKERS, 3) on 127.0.0.1:LOAD_PORT (8015) with
   production settings and ``manage.py db_worker`` for background schedules.
3. Runs loadtest/locustfile.py headless for LOAD_SECONDS (45, at most 90):
   viewers reading pages and PDFs, editors saving contracts and values in admin.
4. Meanwhile injects faults: asks for a large schedule (SCHEDULE_BACKGROUND_ROWS
   is set low so it goes to the task worker), kills the task worker with
   SIGKILL while it renders and starts a new one; kills one gunicorn worker
   with SIGKILL; restarts PostgreSQL (``pg_ctl restart -m fast``). An editor
   imports the register's own workbook (exported at the start) through admin.
5. Afterwards: looks every acknowledged (302) write's marker up in the
   database (history rows), counts the schedule's task rows and stored PDFs,
   prints requests per second, p95 per page, errors by kind (503s while the
   database was down apart from others) and acknowledged versus stored writes.
   Exits 1 on a lost or doubled write, a 500, an unexpected error, or a
   schedule lost or rendered twice. Tears everything down.
"""

import contextlib
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import (
    ack_vs_stored,
    classify_errors,
    p95,
)

REPOSITORY = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SECONDS = max(10.0, min(float(os.environ.get("LOAD_SECONDS", "45")), 90.0))
USERS = int(os.environ.get("LOAD_USERS", "20"))
EDITORS = int(os.environ.get("LOAD_EDITORS", "4"))
PORT = int(os.environ.get("LOAD_PORT", "8015"))
PG_PORT = int(os.environ.get("LOAD_PG_PORT", "5440"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "3"))
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = secrets.token_urlsafe(16)


def as_postgres(*command, **options):
    """Run a PostgreSQL server command as the postgres OS user (initdb refuses root)."""
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    return subprocess.run(command, check=True, **options)


def pg_bin(name):
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        sys.exit(f"make load needs PostgreSQL's server programs ({name}) installed.")
    return str(found[-1])


class PrivateCluster:
    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="register-load-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}/register"

    def create(self):
        as_postgres(
            pg_bin("initdb"),
            "-D",
            self.directory,
            "-A",
            "trust",
            "-U",
            "postgres",
            stdout=subprocess.DEVNULL,
        )
        self.ctl("start")
        subprocess.run(
            [
                "psql",
                f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres",
                "-qc",
                "CREATE DATABASE register",
            ],
            check=True,
        )

    def ctl(self, action, *extra):
        as_postgres(
            pg_bin("pg_ctl"),
            "-D",
            self.directory,
            "-o",
            f"-p {PG_PORT} -k {self.directory} -c listen_addresses=127.0.0.1",
            "-l",
            f"{self.directory}/server.log",
            "-w",
            *extra,
            action,
            stdout=subprocess.DEVNULL,
        )

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.ctl("stop", "-m", "fast")
        shutil.rmtree(self.directory, ignore_errors=True)


def production_environment(database_url, media_root):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS_ONLY": "false",  # loopback HTTP: in production a proxy terminates TLS
        "ADMINS": "nobody@localhost",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "9",  # nothing listens: error reports fail fast, off the request
        "SERVER_EMAIL": "nobody@localhost",
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
        "SCHEDULE_BACKGROUND_ROWS": "5",
    }


def django_shell(environment, script):
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=REPOSITORY,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def prepare(environment):
    for arguments in (["migrate", "--noinput", "-v0"], ["load_register"]):
        subprocess.run(
            [PYTHON, "manage.py", *arguments], cwd=REPOSITORY, env=environment, check=True
        )
    script = f"""
import json
from django.contrib.auth.models import Group, User
from contracts.models import Contract, ContractValue
viewer = User.objects.create_user("load-viewer", password={PASSWORD!r})
viewer.groups.add(Group.objects.get(name="viewer"))
editors = []
for n in range({EDITORS}):
    editor = User.objects.create_user(f"load-editor-{{n}}", password={PASSWORD!r}, is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    editors.append(editor.username)
contracts = []
for contract in Contract.objects.current().order_by("reference"):
    value = ContractValue.objects.filter(contract=contract).order_by("pk").first()
    if value:
        contracts.append(f"{{contract.reference}}:{{contract.pk}}:{{value.pk}}")
    if len(contracts) == {max(EDITORS, 8)}:
        break
print(json.dumps({{"editors": editors, "contracts": contracts}}))
"""
    setup = json.loads(django_shell(environment, script))
    workbook = Path(environment["MEDIA_ROOT"]) / "load-register.xlsx"
    subprocess.run(
        [PYTHON, "manage.py", "export_register", str(workbook)],
        cwd=REPOSITORY,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return {**setup, "workbook": workbook}


def start(command, environment, log):
    return subprocess.Popen(
        command,
        cwd=REPOSITORY,
        env=environment,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_gunicorn(environment, log):
    server = start(
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
        environment,
        log,
    )
    give_up = time.monotonic() + 90  # the first request imports the whole project
    while time.monotonic() < give_up:
        try:
            urllib.request.urlopen(f"{BASE}/accounts/login/", timeout=30).read()
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    sys.exit("gunicorn did not start")


def start_worker(environment, log):
    return start(
        [
            PYTHON,
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.5",
            "--no-startup-delay",
        ],
        environment,
        log,
    )


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def children(pid):
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except OSError:
        return []


def signed_in_opener(username):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    page = opener.open(f"{BASE}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        f"{BASE}/accounts/login/", data=body, headers={"Referer": f"{BASE}/accounts/login/"}
    )
    status, _ = fetch(opener, request)
    if status != 302:
        sys.exit("the load-test user could not sign in")
    return opener


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments, **keywords):
        return None


def fetch(opener, url, body=False):
    """(status, Location), or with ``body`` (status, Location, page text)."""
    try:
        with opener.open(url, timeout=120) as response:
            answer = response.status, response.headers.get("Location"), response.read()
    except urllib.error.HTTPError as error:
        answer = error.code, error.headers.get("Location"), error.read()
    return (*answer[:2], answer[2].decode(errors="replace")) if body else answer[:2]


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def import_workbook(username, workbook):
    """Upload ``workbook`` in admin and confirm it, as an editor; what happened, in words."""
    opener = signed_in_opener(username)
    url = f"{BASE}/admin/contracts/contract/import/"
    status, _, page = fetch(opener, url, body=True)
    boundary = secrets.token_hex(16)
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{csrf_token(page)}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="workbook"; '
            f'filename="register.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode(),
            Path(workbook).read_bytes(),
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": url},
    )
    status, _, page = fetch(opener, request, body=True)
    for attempt in range(1, 4):
        token = re.search(r'name="token" value="([^"]+)"', page)
        if status != 200 or not token:
            return f"upload answered {status} without a preview"
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf_token(page), "token": token.group(1)}
        ).encode()
        confirm = urllib.request.Request(f"{url}confirm/", data=form, headers={"Referer": url})
        status, location, page = fetch(opener, confirm, body=True)
        if status == 302:
            return f"confirmed (302 to {location}) at attempt {attempt}"
    return f"not confirmed after 3 attempts (last answer {status}: the register kept changing)"


class Faults:
    """The timeline of faults, run in a thread beside Locust; records what happened when."""

    def __init__(self, environment, cluster, server, worker_log, setup):
        self.environment, self.cluster, self.server = environment, cluster, server
        self.worker_log = worker_log
        self.worker = None
        self.events = []  # (time, text)
        self.windows = {}  # fault name -> (start, end) in epoch seconds
        self.schedule_task = None
        self.problems = []
        self.setup = setup
        self.imported = None

    def note(self, text):
        self.events.append((time.time(), text))
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    def run(self, started):
        def at(fraction):
            time.sleep(max(0.0, started + SECONDS * fraction - time.monotonic()))

        try:
            self.schedule_fault(at)
            at(0.2)
            self.imported = import_workbook(self.setup["editors"][0], self.setup["workbook"])
            self.note(f"workbook import: {self.imported}")
            at(0.35)
            workers = children(self.server.pid)
            if workers:
                killed = time.time()
                os.kill(workers[0], signal.SIGKILL)
                self.windows["the gunicorn worker kill"] = (killed, killed)
                self.note(f"gunicorn worker {workers[0]} killed (SIGKILL)")
            at(0.55)
            down = time.time()
            self.cluster.ctl("restart", "-m", "fast")
            self.windows["the database outage"] = (down, time.time())
            self.note(f"PostgreSQL restarted (-m fast) in {time.time() - down:.1f} s")
        except Exception as error:
            self.problems.append(f"fault injection failed: {error!r}")
            self.note(self.problems[-1])

    def schedule_fault(self, at):
        opener = signed_in_opener("load-viewer")
        at(0.1)
        status, location = fetch(opener, f"{BASE}/contracts/schedule.pdf")
        match = re.search(r"/reports/schedule/([0-9a-f-]{36})/", location or "")
        if status != 302 or not match:
            self.problems.append(f"the large schedule was not queued ({status} {location})")
            self.note(self.problems[-1])
            return
        self.schedule_task = match.group(1)
        self.note(f"large schedule queued as task {self.schedule_task}")
        # Wait until the worker has taken it (RUNNING), then kill the worker mid-render.
        give_up = time.monotonic() + 20
        while time.monotonic() < give_up and self.task_status() != "RUNNING":
            time.sleep(0.2)
        time.sleep(0.3)
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()
        self.note(f"task worker killed (SIGKILL) while the task was {self.task_status()}")
        time.sleep(1)
        self.worker = start_worker(self.environment, self.worker_log)
        self.note("task worker restarted")

    def task_status(self):
        return psql(
            self.cluster,
            f"SELECT status FROM django_tasks_database_dbtaskresult WHERE id = '{self.schedule_task}'",
        )


def psql(cluster, sql):
    result = subprocess.run(
        ["psql", cluster.url, "-tAc", sql], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def stored_markers(environment, markers):
    """For each marker: how many saves wrote it (contract and value history rows)."""
    script = f"""
import json
from contracts.models import Contract, ContractValue
from results import saves_by_value
markers = set({sorted(markers)!r})
rows = Contract.history.order_by("id", "history_id").values_list("id", "internal_notes")
found = saves_by_value(rows, markers)
rows = ContractValue.history.order_by("id", "history_id").values_list("id", "note")
for marker, count in saves_by_value(rows, markers).items():
    found[marker] = found.get(marker, 0) + count
print(json.dumps(found))
"""
    environment = {**environment, "PYTHONPATH": str(Path(__file__).resolve().parent)}
    return json.loads(django_shell(environment, script))


def schedule_outcome(cluster, media_root, task_id):
    if not task_id:
        return None
    rows = psql(
        cluster,
        "SELECT status || ' ' || coalesce(finished_at::text, '-') FROM "
        "django_tasks_database_dbtaskresult WHERE task_path LIKE '%render_schedule'",
    ).splitlines()
    pdfs = [path for path in Path(media_root).rglob("*.pdf") if "schedule" in str(path)]
    return rows, pdfs


def read_jsonl(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def report(log_dir, elapsed, faults, found, schedule):
    requests = read_jsonl(log_dir / "requests.jsonl")
    writes = read_jsonl(log_dir / "writes.jsonl")
    failures = []
    pages = {}
    for row in requests:
        if 200 <= row["status"] < 400:
            pages.setdefault(row["page"], []).append(row["ms"])
    print(
        f"\n{USERS} Locust users ({EDITORS} editor slots) for {elapsed:.0f} s; gunicorn "
        f"({WORKERS} workers), db_worker and a private PostgreSQL on loopback"
    )
    print(f"{'page':<22} {'answered':>9} {'median ms':>10} {'p95 ms':>8}")
    every = []
    for page in sorted(pages):
        values = sorted(pages[page])
        every += values
        print(f"{page:<22} {len(values):>9} {values[len(values) // 2]:>10.0f} {p95(values):>8.0f}")
    if every:
        every.sort()
        print(f"{'all':<22} {len(every):>9} {every[len(every) // 2]:>10.0f} {p95(every):>8.0f}")
    print(f"Requests per second (answered, any status): {len(requests) / elapsed:.1f}")

    kinds = classify_errors(requests, faults.windows)
    print("Errors by kind:" + ("" if kinds else " none"))
    for kind, count in sorted(kinds.items()):
        print(f"  {kind}: {count}")
    unexpected = {k: v for k, v in kinds.items() if not k.startswith("during ")}
    if unexpected:
        failures.append(f"errors outside the database outage: {unexpected}")

    summary = ack_vs_stored(writes, found)
    print(
        f"Writes: {summary['attempted']} attempted, {summary['acknowledged']} acknowledged (302), "
        f"{summary['stored']} of those stored, {len(summary['lost'])} lost, "
        f"{len(summary['doubled'])} stored twice; not acknowledged: {summary['refused']}"
    )
    if summary["lost"] or summary["doubled"]:
        failures.append(f"lost {summary['lost'][:5]} doubled {summary['doubled'][:5]}")

    if schedule is None:
        failures.append("the large schedule was never queued")
    else:
        rows, pdfs = schedule
        print(f"Large schedule: task rows {rows}; stored schedule PDFs: {len(pdfs)}")
        if len(rows) != 1 or not rows[0].startswith("SUCCESSFUL") or len(pdfs) != 1:
            failures.append("the schedule killed with its worker was not completed exactly once")
    print(f"Workbook import (admin upload + confirm, as an editor): {faults.imported}")
    if not (faults.imported or "").startswith("confirmed"):
        failures.append(f"the workbook import was not confirmed: {faults.imported}")
    failures += faults.problems
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures or not requests else 0


def main():
    cluster = PrivateCluster()
    media_root = tempfile.mkdtemp(prefix="register-load-media-")
    log_dir = Path(tempfile.mkdtemp(prefix="register-load-logs-"))
    environment = production_environment(cluster.url, media_root)
    server = faults = None
    server_log = (log_dir / "gunicorn.log").open("w")
    worker_log = (log_dir / "worker.log").open("w")
    locust_log = (log_dir / "locust.log").open("w")
    try:
        cluster.create()
        print(f"Private PostgreSQL on 127.0.0.1:{PG_PORT} in {cluster.directory}", flush=True)
        setup = prepare(environment)
        server = start_gunicorn(environment, server_log)
        faults = Faults(environment, cluster, server, worker_log, setup)
        faults.worker = start_worker(environment, worker_log)
        print(f"Serving on {BASE}; Locust for {SECONDS:.0f} s", flush=True)
        locust_environment = {
            **os.environ,
            "LOAD_LOG_DIR": str(log_dir),
            "LOAD_PASSWORD": PASSWORD,
            "LOAD_VIEWER": "load-viewer",
            "LOAD_EDITORS": ",".join(setup["editors"]),
            "LOAD_CONTRACTS": ",".join(setup["contracts"]),
        }
        started = time.monotonic()
        injector = threading.Thread(target=faults.run, args=(started,))
        injector.start()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(REPOSITORY / "loadtest" / "locustfile.py"),
                "--headless",
                "--host",
                BASE,
                "--users",
                str(USERS),
                "--spawn-rate",
                str(USERS),
                "--run-time",
                f"{SECONDS:.0f}s",
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env=locust_environment,
            check=False,
            stdout=locust_log,
            stderr=subprocess.STDOUT,
        )
        elapsed = time.monotonic() - started
        injector.join()
        # Give the restarted worker time to finish the schedule it took over.
        give_up = time.monotonic() + 60
        while faults.schedule_task and time.monotonic() < give_up:
            if faults.task_status() in ("SUCCESSFUL", "FAILED"):
                break
            time.sleep(1)
        markers = [row["marker"] for row in read_jsonl(log_dir / "writes.jsonl")]
        found = stored_markers(environment, markers)
        schedule = schedule_outcome(cluster, media_root, faults.schedule_task)
        return report(log_dir, elapsed, faults, found, schedule)
    finally:
        if faults is not None and faults.worker is not None:
            stop(faults.worker)
        if server is not None:
            stop(server)
        cluster.destroy()
        shutil.rmtree(media_root, ignore_errors=True)
        print(f"Logs kept in {log_dir}")


if __name__ == "__main__":
    sys.exit(main())
