"""The benchmark's figures and the markdown table they print as.

``bench/results.md`` keeps one section per database engine between marker
comments: a run replaces its own engine's section and leaves the other, and
any text outside the markers (the "what we found" notes) is kept as written.
"""

import datetime
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REGISTER_PAGE = "Register, page 1"
FLOOR_PAGE = "Bare JSON floor (same 50 rows)"
STOCK_PAGE = "Stock SingleTableMixin + FilterView"
QUERY_LIMIT = 10
GROWTH_LIMIT = 1.5
FLOOR_LIMIT = 5
STOCK_SPEEDUP = 2
PDF_OVERHEAD_LIMIT = 0.15
CACHED_LIMIT_MS = 50


@dataclass
class PdfRow:
    label: str
    ours: object
    bare: object
    note: str = ""

    @property
    def overhead(self):
        """Our extra CPU time over bare WeasyPrint's: CPU, not wall, so other load on the machine
        does not count."""
        if not self.ours or not self.bare or self.ours.error or self.bare.error:
            return None
        return self.ours.cpu_seconds / self.bare.cpu_seconds - 1


@dataclass
class Report:
    engine: str
    cores: int
    requests: int
    sizes: tuple = (100, 10_000)
    pages: dict = field(default_factory=dict)  # (size, name) -> PageTiming or None
    notes: dict = field(default_factory=dict)  # (size, name) -> note
    page_order: list = field(default_factory=list)
    pdfs: list = field(default_factory=list)
    extras: list = field(default_factory=list)
    background: dict = field(default_factory=dict)
    total_seconds: float = 0.0
    complete: bool = False

    def add_page(self, size, name, timing, note=""):
        if name not in self.page_order:
            self.page_order.append(name)
        self.pages[size, name] = timing
        if note or (timing and timing.error):
            self.notes[size, name] = note or timing.error

    def add_pdf(self, label, ours, bare, note=""):
        self.pdfs.append(PdfRow(label, ours, bare, note))

    def add_extra(self, label, value):
        self.extras.append((label, value))

    def add_background(self, **figures):
        self.background = figures

    # Figures ------------------------------------------------------------

    def timing(self, size, name):
        timing = self.pages.get((size, name))
        return timing if timing and timing.times_ms else None

    def ratio(self, size, top, bottom):
        first, second = self.timing(size, top), self.timing(size, bottom)
        if not first or not second:
            return None
        return first.median_ms / second.median_ms

    # Markdown -----------------------------------------------------------

    def as_markdown(self):
        small, large = self.sizes
        lines = [
            f"<!-- bench:{self.engine} -->",
            f"### {self.engine}",
            "",
            *(
                []
                if self.complete
                else ["**Partial: the run was still going, or was stopped.**", ""]
            ),
            f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {self.cores} cores "
            f"({self.engine}); Django test client in one process, {self.requests} requests "
            f"per page after 3 untimed, pages interleaved; times in ms; queries per request (SQL statements, "
            f"without BEGIN/COMMIT; they include the 3 every signed-in request makes: session, "
            f"user, session save). "
            f"Whole run {self.total_seconds:.0f} s; load average at the end "
            f"{' / '.join(f'{load:.1f}' for load in os.getloadavg())} (1 / 5 / 15 min).",
            "",
            f"| Page | {small:,}: median | p95 | queries | {large:,}: median | p95 | queries "
            f"| {large:,} ÷ {small:,} |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name in self.page_order:
            if name.startswith("Schedule PDF"):
                continue
            cells = [name]
            for size in (small, large):
                timing = self.timing(size, name)
                if timing:
                    cells += [
                        f"{timing.median_ms:.1f}",
                        f"{timing.p95_ms:.1f}",
                        str(timing.query_count),
                    ]
                else:
                    cells += [self.notes.get((size, name), "—"), "", ""]
            growth = None
            if self.timing(small, name) and self.timing(large, name):
                growth = self.timing(large, name).median_ms / self.timing(small, name).median_ms
            cells.append(f"{growth:.2f}×" if growth else "—")
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", f"| Ratio | {small:,} | {large:,} |", "| --- | ---: | ---: |"]
        for label, top, bottom in (
            ("Register page ÷ bare JSON floor (target ≤ 5×)", REGISTER_PAGE, FLOOR_PAGE),
            ("Stock view ÷ register page (target ≥ 2×)", STOCK_PAGE, REGISTER_PAGE),
        ):
            values = [self.ratio(size, top, bottom) for size in (small, large)]
            lines.append(
                f"| {label} | " + " | ".join(f"{v:.1f}×" if v else "—" for v in values) + " |"
            )
        lines += self._pdf_lines() + self._other_lines() + ["", *self._targets()]
        lines.append(f"<!-- /bench:{self.engine} -->")
        return "\n".join(lines) + "\n"

    def _pdf_lines(self):
        lines = [
            "",
            "| PDF schedule | ours: time (CPU) | ours: peak memory | bare WeasyPrint: time (CPU) "
            "| bare: peak memory | overhead (CPU) |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        if not self.pdfs:
            lines.append("| not measured in this run (--pages-only) | | | | | |")
        for row in self.pdfs:
            if row.ours is None:
                lines.append(f"| {row.label} | {row.note} | | | | |")
                continue
            overhead = row.overhead
            lines.append(
                f"| {row.label} | {_run_time(row.ours)} | {_run_memory(row.ours)} "
                f"| {_run_time(row.bare)} | {_run_memory(row.bare)} "
                f"| {f'{overhead:+.0%}' if overhead is not None else '—'} |"
            )
        return lines

    def _other_lines(self):
        lines = ["", "| Measure | Result |", "| --- | --- |"]
        cached = self.pages.get(("real", "Schedule PDF, repeat download (cached)"))
        if cached and cached.times_ms:
            lines.append(
                f"| Schedule PDF, repeat download (cached, real register) | median "
                f"{cached.median_ms:.1f} ms, p95 {cached.p95_ms:.1f} ms, "
                f"{cached.query_count} queries |"
            )
        if self.background:
            figures = self.background
            lines.append(
                f"| Schedule of 1,000 in the background worker | {figures['seconds']:.1f} s "
                f"in the worker (peak {figures['worker_peak_mb']:.0f} MB); web process RSS "
                f"{figures['web_before_mb']:.0f} MB before, {figures['web_after_mb']:.0f} MB "
                f"after; request answered HTTP {figures['status']} {figures['error']} |"
            )
        for label, value in self.extras:
            lines.append(f"| {label} | {value} |")
        return lines

    def _targets(self):
        """One line per target from the issue: met, missed, or not measured."""
        checks = []
        small, large = self.sizes
        measured = [name for name in self.page_order if not name.startswith("Schedule PDF")]
        ours = [name for name in measured if name not in (FLOOR_PAGE, STOCK_PAGE)]
        counts = {
            name: [self.timing(size, name).query_count for size in (small, large)]
            for name in ours
            if self.timing(small, name) and self.timing(large, name)
        }
        if counts:
            changing = _changing(counts)
            checks.append(
                _check(not changing, "queries per request the same at both sizes")
                + (f" (changes: {changing})" if changing else "")
            )
            over = {name: max(pair) for name, pair in counts.items() if max(pair) > QUERY_LIMIT}
            checks.append(
                _check(not over, "at most 10 queries on each page")
                + (
                    " (over: " + ", ".join(f"{n} {c}" for n, c in over.items()) + ")"
                    if over
                    else ""
                )
            )
        growths = {
            name: self.timing(large, name).median_ms / self.timing(small, name).median_ms
            for name in ours
            if self.timing(small, name) and self.timing(large, name)
        }
        if growths:
            worst = max(growths, key=growths.get)
            checks.append(
                _check(
                    growths[worst] <= GROWTH_LIMIT, f"latency at {large:,} within 1.5× of {small:,}"
                )
                + f" (worst: {worst}, {growths[worst]:.2f}×)"
            )
        floor = self.ratio(large, REGISTER_PAGE, FLOOR_PAGE)
        if floor:
            checks.append(_check(floor <= FLOOR_LIMIT, f"register page ÷ floor {floor:.1f}× ≤ 5×"))
        stock = self.ratio(large, STOCK_PAGE, REGISTER_PAGE)
        if stock:
            checks.append(
                _check(stock >= STOCK_SPEEDUP, f"register page {stock:.1f}× faster than stock ≥ 2×")
            )
        overheads = [row.overhead for row in self.pdfs if row.overhead is not None]
        if overheads:
            worst = max(overheads)
            checks.append(
                _check(
                    worst <= PDF_OVERHEAD_LIMIT, f"PDF overhead over bare WeasyPrint {worst:+.0%}"
                )
                + " (target ≤ +15%)"
            )
        cached = self.pages.get(("real", "Schedule PDF, repeat download (cached)"))
        if cached and cached.times_ms:
            checks.append(
                _check(cached.median_ms < CACHED_LIMIT_MS, "cached repeat download")
                + f" {cached.median_ms:.1f} ms (target < 50 ms)"
            )
        if self.background:
            grown = self.background["web_after_mb"] - self.background["web_before_mb"]
            checks.append(
                _check(abs(grown) < 20 and not self.background["error"], "background schedule")
                + f": web process RSS changed by {grown:+.0f} MB"
            )
        return ["Targets:", "", *[f"- {line}" for line in checks]]


def _changing(counts):
    return ", ".join(f"{name} {a}→{b}" for name, (a, b) in counts.items() if a != b)


def _check(passed, text):
    return ("met: " if passed else "**missed**: ") + text


def _run_time(run):
    return "error" if run.error else f"{run.seconds:.1f} s ({run.cpu_seconds:.1f} s)"


def _run_memory(run):
    return "" if run.error else f"{run.peak_mb:.0f} MB"


def merge_into(path: Path, section: str, engine: str):
    """Replace this engine's section of ``path`` (or add it), keeping everything else."""
    existing = path.read_text() if path.exists() else "# Benchmark results\n\n"
    pattern = re.compile(
        rf"<!-- bench:{re.escape(engine)} -->.*?<!-- /bench:{re.escape(engine)} -->\n?", re.S
    )
    if pattern.search(existing):
        return pattern.sub(lambda _: section, existing)
    return existing.rstrip("\n") + "\n\n" + section
