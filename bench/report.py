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
FLOOR_PAGE = "Bare JSON floor, stored fields (same 50 rows)"
FLOOR_WITH_TOTALS_PAGE = "Bare JSON floor with totals computed (same 50 rows)"
STOCK_PAGE = "Stock SingleTableMixin + FilterView"
BENCH_ONLY_PAGES = (FLOOR_PAGE, FLOOR_WITH_TOTALS_PAGE, STOCK_PAGE)
# The pages whose growth with the register's size the issue bounds.
GROWTH_PAGES = (
    "Register, page 1",
    "Register, filtered",
    "Register, sorted",
    "Dashboard",
    "Provider page",
)
# The filtered register with the rows drawn held at 5 at every size: not a target of
# its own, printed beside the growth target to tell the register's size from the rows shown.
SAME_ROWS_PAGE = "Register, filtered, 5 rows a page"
QUERY_LIMIT = 10
FLOOR_LIMIT = 3
FLOOR_SIZE = 10_000
STOCK_SPEEDUP = 2
IMPORT_LIMIT_SECONDS = 2
IMPORT_SIZE = 1_000
EXPORT_LIMIT_SECONDS = 10
EXPORT_SIZE = 10_000


def growth_limit(size):
    """Latency at ``size`` over latency at the smallest size: 1.5× up to 10,000, 2× beyond."""
    return 1.5 if size <= 10_000 else 2.0


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
    sizes: tuple = (100, 10_000, 100_000)
    pages: dict = field(default_factory=dict)  # (size, name) -> PageTiming or None
    memory: dict = field(default_factory=dict)  # size -> (RSS before, peak RSS) in MB
    exports: dict = field(default_factory=dict)  # size -> HeavyRun
    imports: dict = field(default_factory=dict)  # size -> HeavyRun
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

    def add_memory(self, size, before_mb, peak_mb):
        self.memory[size] = (before_mb, peak_mb)

    def add_export(self, size, run):
        self.exports[size] = run

    def add_import(self, size, run):
        self.imports[size] = run

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
        sizes = self.sizes
        smallest = sizes[0]
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
            f"per page after 3 untimed, pages interleaved; times in ms; queries per request (SQL "
            f"statements, without BEGIN/COMMIT; they include the 2 every signed-in request makes: "
            f"session, user; the session's save, at most once a minute, is left out). "
            f"Whole run {self.total_seconds:.0f} s; load average at the end "
            f"{' / '.join(f'{load:.1f}' for load in os.getloadavg())} (1 / 5 / 15 min).",
            "",
        ]
        header = ["Page"]
        for size in sizes:
            header += [f"{size:,}: median", "p95", "queries"]
        header += [f"{size:,} ÷ {smallest:,}" for size in sizes[1:]]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("| --- |" + " ---: |" * (len(header) - 1))
        for name in self.page_order:
            if name.startswith("Schedule PDF"):
                continue
            cells = [name]
            for size in sizes:
                timing = self.timing(size, name)
                if timing:
                    cells += [
                        f"{timing.median_ms:.1f}",
                        f"{timing.p95_ms:.1f}",
                        str(timing.query_count),
                    ]
                else:
                    cells += [self.notes.get((size, name), "—"), "", ""]
            for size in sizes[1:]:
                growth = self.growth(size, name)
                cells.append(f"{growth:.2f}×" if growth else "—")
            lines.append("| " + " | ".join(cells) + " |")
        if self.memory:
            lines += [
                "",
                "| Web process (this one) | " + " | ".join(f"{size:,}" for size in sizes) + " |",
            ]
            lines.append("| --- |" + " ---: |" * len(sizes))
            for label, index in (("RSS before the pages, MB", 0), ("peak RSS serving them, MB", 1)):
                lines.append(
                    f"| {label} | "
                    + " | ".join(
                        f"{self.memory[size][index]:.0f}" if size in self.memory else "—"
                        for size in sizes
                    )
                    + " |"
                )
        lines += [
            "",
            "| Ratio | " + " | ".join(f"{size:,}" for size in sizes) + " |",
            "| --- |" + " ---: |" * len(sizes),
        ]
        for label, top, bottom in (
            (
                "Register page ÷ floor of stored fields (target ≤ 3× at 10,000)",
                REGISTER_PAGE,
                FLOOR_PAGE,
            ),
            ("Register page ÷ floor with totals computed", REGISTER_PAGE, FLOOR_WITH_TOTALS_PAGE),
            ("Stock view ÷ register page (target ≥ 2×)", STOCK_PAGE, REGISTER_PAGE),
        ):
            values = [self.ratio(size, top, bottom) for size in sizes]
            lines.append(
                f"| {label} | " + " | ".join(f"{v:.1f}×" if v else "—" for v in values) + " |"
            )
        lines += self._pdf_lines() + self._other_lines() + ["", *self._targets()]
        lines.append(f"<!-- /bench:{self.engine} -->")
        return "\n".join(lines) + "\n"

    def growth(self, size, name):
        first, then = self.timing(self.sizes[0], name), self.timing(size, name)
        if not first or not then:
            return None
        return then.median_ms / first.median_ms

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
        for size, run in sorted(self.exports.items()):
            lines.append(
                f"| XLSX export, whole register ({size:,} contracts), forked child | "
                + (
                    f"error: {run.error.strip().splitlines()[-1][:100]}"
                    if run.error
                    else f"{run.seconds:.1f} s (CPU {run.cpu_seconds:.1f} s), "
                    f"peak memory +{run.peak_mb:.0f} MB"
                )
                + " |"
            )
        for size, run in sorted(self.imports.items()):
            lines.append(
                f"| Workbook import ({size:,} contracts, into an empty register) | "
                + (
                    f"error: {run.error.strip().splitlines()[-1][:100]}"
                    if run.error
                    # CPU time too: on a shared machine it moves far less than wall time.
                    else f"{run.seconds:.1f} s (CPU {run.cpu_seconds:.1f} s)"
                )
                + " |"
            )
        for label, value in self.extras:
            lines.append(f"| {label} | {value} |")
        return lines

    def _targets(self):
        """One line per target from the issue: met, missed, or not measured."""
        checks = []
        sizes = self.sizes
        measured = [name for name in self.page_order if not name.startswith("Schedule PDF")]
        ours = [name for name in measured if name not in BENCH_ONLY_PAGES]
        # Over the sizes measured (a run stopped early still checks the ones it has).
        counts = {
            name: [self.timing(size, name).query_count for size in sizes if self.timing(size, name)]
            for name in ours
            if sum(1 for size in sizes if self.timing(size, name)) >= 2
        }
        if counts:
            changing = _changing(counts)
            checks.append(
                _check(not changing, "queries per request the same at every size")
                + (f" (changes: {changing})" if changing else "")
            )
            over = {name: max(each) for name, each in counts.items() if max(each) > QUERY_LIMIT}
            checks.append(
                _check(not over, f"at most {QUERY_LIMIT} queries on each page at every size")
                + (
                    " (over: " + ", ".join(f"{n} {c}" for n, c in over.items()) + ")"
                    if over
                    else ""
                )
            )
        for size in sizes[1:]:
            growths = {
                name: self.growth(size, name)
                for name in GROWTH_PAGES
                if self.growth(size, name) is not None
            }
            if growths:
                worst = max(growths, key=growths.get)
                limit = growth_limit(size)
                missed = [f"{n} {g:.2f}×" for n, g in growths.items() if g > limit]
                checks.append(
                    _check(
                        not missed,
                        f"latency at {size:,} within {limit:g}× of {sizes[0]:,}",
                    )
                    + (
                        f" (over: {', '.join(missed)})"
                        if missed
                        else f" (worst: {worst}, {growths[worst]:.2f}×)"
                    )
                )
        same_rows = [
            f"{self.growth(size, SAME_ROWS_PAGE):.2f}× at {size:,}"
            for size in sizes[1:]
            if self.growth(size, SAME_ROWS_PAGE) is not None
        ]
        if same_rows:
            checks.append(
                f"for comparison, {SAME_ROWS_PAGE} (the same number of rows drawn at every "
                f"size) over its time at {sizes[0]:,}: {', '.join(same_rows)}"
            )
        floor = self.ratio(FLOOR_SIZE, REGISTER_PAGE, FLOOR_PAGE)
        if floor:
            checks.append(
                _check(
                    floor <= FLOOR_LIMIT,
                    f"register page ÷ floor of stored fields at {FLOOR_SIZE:,}: {floor:.1f}× ≤ {FLOOR_LIMIT}×",
                )
            )
        stock = {size: self.ratio(size, STOCK_PAGE, REGISTER_PAGE) for size in sizes}
        stock = {size: ratio for size, ratio in stock.items() if ratio}
        if stock:
            checks.append(
                _check(
                    all(ratio >= STOCK_SPEEDUP for ratio in stock.values()),
                    "register page ≥ 2× faster than the stock view at every size",
                )
                + " ("
                + ", ".join(f"{size:,}: {ratio:.1f}×" for size, ratio in stock.items())
                + ")"
            )
        run = self.imports.get(IMPORT_SIZE)
        if run:
            checks.append(
                _check(
                    not run.error and run.seconds < IMPORT_LIMIT_SECONDS,
                    f"import of {IMPORT_SIZE:,} contracts under {IMPORT_LIMIT_SECONDS} s",
                )
                + ("" if run.error else f" ({run.seconds:.1f} s)")
            )
        run = self.exports.get(EXPORT_SIZE)
        if run:
            small = self.exports.get(IMPORT_SIZE)
            flat = (
                f"; +{small.peak_mb:.0f} MB at {IMPORT_SIZE:,}" if small and not small.error else ""
            )
            checks.append(
                _check(
                    not run.error and run.seconds < EXPORT_LIMIT_SECONDS,
                    f"XLSX export of {EXPORT_SIZE:,} under {EXPORT_LIMIT_SECONDS} s",
                )
                + ("" if run.error else f" ({run.seconds:.1f} s, peak +{run.peak_mb:.0f} MB{flat})")
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
    return ", ".join(
        f"{name} {'→'.join(map(str, each))}" for name, each in counts.items() if len(set(each)) > 1
    )


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
