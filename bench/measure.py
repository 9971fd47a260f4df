"""How the benchmark measures: request latency and queries, and time and memory of heavy work.

Pages are timed with Django's test client in this process, so every figure in
one run shares the same interpreter, database and warm caches and the ratios
between them are fair. Heavy one-off work (PDF rendering) runs in a forked
child so its memory peak is its own and the parent's memory is not inflated
for the measurements that follow.
"""

import multiprocessing
import statistics
import time
import traceback
from dataclasses import dataclass, field

from django.db import connection, connections
from django.test.utils import CaptureQueriesContext


@dataclass
class PageTiming:
    """Latency of ``requests`` identical requests and the SQL queries each one ran."""

    name: str
    url: str
    times_ms: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    status: int = 200
    error: str = ""

    @property
    def median_ms(self):
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95_ms(self):
        if not self.times_ms:
            return None
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def query_count(self):
        """Queries per request; the largest seen, so a request that did more is never hidden."""
        return max(self.queries) if self.queries else None


def time_pages(client, urls, requests=30, warmup=3):
    """GET each of ``urls`` (name → URL) ``requests`` times, round-robin, timing and counting queries.

    Round-robin rather than one page after another: on a shared machine, load
    that comes and goes then falls on every page alike, so ratios between pages
    stay fair even when absolute times wobble.
    """
    timings = {name: PageTiming(name=name, url=url) for name, url in urls.items()}
    for timing in timings.values():
        for _ in range(warmup):
            response = client.get(timing.url)
            if response.status_code != 200:
                timing.status = response.status_code
                timing.error = f"HTTP {response.status_code}"
                break
    working = [timing for timing in timings.values() if not timing.error]
    for _ in range(requests):
        for timing in working:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(timing.url)
                if response.streaming:
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            timing.times_ms.append(elapsed * 1000)
            timing.queries.append(count_queries(queries.captured_queries))
    return timings


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
# A signed-in session is saved again at most once a minute (commissioning/sessions.py), by
# whichever request comes then: a property of the minute, not of the page that drew it.
SESSION_REFRESH = 'UPDATE "DJANGO_SESSION"'


def count_queries(captured):
    """SQL statements that read or write data: transaction control is left out, because SQLite
    shows its BEGIN and COMMIT as statements and PostgreSQL's driver sends them unseen, and so
    is the once-a-minute session save."""
    return sum(
        1
        for query in captured
        if not query["sql"].lstrip().upper().startswith((*TRANSACTION_CONTROL, SESSION_REFRESH))
    )


def current_rss_mb():
    """This process's resident memory now, in MB (Linux /proc)."""
    return _proc_status_mb("VmRSS")


def _proc_status_mb(key):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb():
    """This process's peak resident memory since the last ``reset_peak_rss()``, in MB."""
    return _proc_status_mb("VmHWM")


def reset_peak_rss():
    """Reset VmHWM (peak RSS) to the current RSS, so the next peak is this work's alone."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


@dataclass
class HeavyRun:
    """Wall time and the memory a piece of work added at its peak (peak RSS − RSS before)."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mb: float = 0.0
    result: object = None
    error: str = ""


def _run_child(work, pipe):
    try:
        reset_peak_rss()
        before = current_rss_mb()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = work()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        pipe.send(HeavyRun(seconds, cpu, _proc_status_mb("VmHWM") - before, result))
    except Exception:
        pipe.send(HeavyRun(error=traceback.format_exc(limit=4)))
    finally:
        pipe.close()


def in_child(work):
    """Run ``work()`` in a forked child; return its time, peak added memory and (small) result."""
    # Close database connections first so the child opens its own: a socket
    # shared across a fork would get both processes' traffic.
    for alias in connections:
        connections[alias].close()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_run_child, args=(work, send))
    child.start()
    send.close()
    try:
        outcome = receive.recv()
    except EOFError:
        outcome = HeavyRun(error="the child process died without a result")
    child.join()
    return outcome


def run_here(work):
    """Run ``work()`` in this process: time only (for work that must see this process's state)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        result = work()
    except Exception:
        return HeavyRun(seconds=time.perf_counter() - started, error=traceback.format_exc(limit=4))
    return HeavyRun(
        seconds=time.perf_counter() - started,
        cpu_seconds=time.process_time() - cpu_started,
        result=result,
    )
