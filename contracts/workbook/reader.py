"""Reading a register workbook into rows of Python values, collecting every problem on the way.

Nothing here touches the database: ``read_workbook`` turns the file into
``ParsedWorkbook`` (the rows of each known sheet, keyed by column name) plus a
list of ``WorkbookError``. Matching against the register is the job of ``plan/``.

Two readers give the same rows: python-calamine (compiled, a tenth of the CPU) for
every workbook a byte scan of the zip vouches for, openpyxl (streaming) for the rest
and whenever calamine fails (see MAX_DENSE_CELLS).
"""

import datetime
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
import python_calamine
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .cells import CellError, is_blank, read_cell, shown
from .columns import NOTES_SHEET, SHEETS, SHEETS_BY_KEY, sheet_key
from .source_files import encrypted

# The columns a draft (draft.py) adds to every sheet: why to check a row, and its source text.
CHECK, SOURCE = "check", "read_from"
DRAFT_COLUMNS = (CHECK, SOURCE)
# openpyxl parses with defusedxml when it is installed (and OPENPYXL_DEFUSEDXML is not
# "False"): entity declarations and external references are refused, never resolved.
if not openpyxl.DEFUSEDXML:
    raise ImproperlyConfigured(
        "openpyxl must parse workbooks with defusedxml: install defusedxml and leave "
        "OPENPYXL_DEFUSEDXML unset."
    )

# Limits on what one upload may cost (docs/security.md, "Hostile uploads").
MAX_PARTS = 1_000  # files inside the .xlsx zip
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # their declared sizes added up; zip reads stop there
MAX_CELL_CHARS = 10_000  # longer than any description a register holds
MAX_ERRORS = 1_000  # reading stops after this many problems
EXTRA_COLUMNS = 20  # columns read past the format's own, to point out stray values
MAX_MESSAGE_CHARS = 400
QUOTED_CHARS = 40

_LONG_QUOTE = re.compile(rf"“([^”]{{{QUOTED_CHARS}}})[^”]+”")


def short_message(message):
    """``message`` with any quoted value cut to an excerpt, and at most MAX_MESSAGE_CHARS long.

    Every problem quotes what the person typed; a cell holding megabytes must not
    turn into a page of megabytes.
    """
    message = _LONG_QUOTE.sub(lambda match: f"“{match.group(1)}…”", str(message))
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1] + "…"
    return message


@dataclass(frozen=True)
class WorkbookError:
    """One problem, located the way the person sees it in their spreadsheet."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __post_init__(self):
        object.__setattr__(self, "message", short_message(self.message))
        object.__setattr__(self, "sheet", short_message(self.sheet)[:QUOTED_CHARS])
        object.__setattr__(self, "column", short_message(self.column)[:QUOTED_CHARS])

    def __str__(self):
        where = self.sheet
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}" if self.row is not None else f" column {self.column}"
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Reinterpretation:
    """A cell read other than as written (``£2.2m``, ``council``, ``example.org``), to be shown."""

    message: str
    sheet: str
    row: int
    column: str

    def __str__(self):
        return f"{self.sheet} row {self.row}, {self.column}: {self.message}"


@dataclass
class ParsedRow:
    """One spreadsheet row: ``values`` maps each present column's name to its value (None if blank)."""

    sheet: str
    number: int
    values: dict
    failed: set = field(default_factory=set)  # columns whose cell could not be read

    @property
    def ok(self):
        return not self.failed

    def error(self, message, column=""):
        return WorkbookError(message, self.sheet, self.number, column)


@dataclass
class ParsedSheet:
    sheet: object  # the columns.Sheet it follows
    columns: list  # the columns.Column objects present, in the workbook's order
    rows: list

    def has(self, name):
        return any(column.name == name for column in self.columns)


@dataclass
class ParsedWorkbook:
    sheets: dict = field(default_factory=dict)  # sheet name -> ParsedSheet
    errors: list = field(default_factory=list)
    reinterpretations: list = field(default_factory=list)

    def rows(self, sheet_name):
        parsed = self.sheets.get(sheet_name)
        return parsed.rows if parsed else []


# Far beyond any real register (1,000 contracts is about 10,000 rows in all),
# and small enough that a runaway sheet can't hold a worker for minutes.
MAX_ROWS = 100_000


def _header_key(value):
    text = shown(value).strip()
    if text.endswith("*"):
        text = text[:-1]
    return "_".join(text.split()).casefold()


def _read_headers(sheet, header_cells, errors):
    """The columns named in row 1, in order (None for blank headers), after checking them."""
    columns = []
    seen = set()
    for position, value in enumerate(header_cells, start=1):
        if is_blank(value) or (
            _header_key(value) in DRAFT_COLUMNS and sheet.column(_header_key(value)) is None
        ):
            # A draft's check and source columns are for the person, not the register.
            columns.append(None)
            continue
        column = sheet.column(_header_key(value))
        if column is None:
            known = ", ".join(column.name for column in sheet.columns)
            errors.append(
                WorkbookError(
                    f"“{shown(value).strip()}” is not a column of this sheet; "
                    f"the columns are: {known}.",
                    sheet.name,
                    column=get_column_letter(position),
                )
            )
            columns.append(None)
            continue
        if column.name in seen:
            errors.append(
                WorkbookError(
                    f"the column “{column.name}” appears twice.", sheet.name, column=column.name
                )
            )
            columns.append(None)
            continue
        seen.add(column.name)
        columns.append(column)
    for column in sheet.required_columns:
        if column.name not in seen:
            errors.append(
                WorkbookError(
                    f"the required column “{column.name}” is missing from row 1.", sheet.name
                )
            )
    return columns


def _columns_read(sheet):
    """How many columns of ``sheet`` are read: the format's own, and a few more to point out
    stray values. A sheet may declare 16,384 columns, and would otherwise have every row
    padded to it."""
    return len(sheet.columns) + len(DRAFT_COLUMNS) + EXTRA_COLUMNS


def _openpyxl_rows(sheet, worksheet):
    if not hasattr(worksheet, "iter_rows"):
        # A chart sheet: no cells. calamine reads it as an empty sheet; so does this.
        return ()
    return worksheet.iter_rows(max_col=_columns_read(sheet), max_row=MAX_ROWS + 2, values_only=True)


def _read_sheet(sheet, rows, errors, reinterpretations):
    """``rows``: the sheet's rows from row 1, each a sequence of cell values as openpyxl gives them."""
    rows = iter(rows)
    header_cells = next(rows, ())
    columns = _read_headers(sheet, header_cells, errors)
    present = [column for column in columns if column is not None]
    # Rows of a sheet missing a required column are not checked further: one
    # error for the column says it all.
    missing = {column.name for column in sheet.required_columns} - {c.name for c in present}
    parsed = ParsedSheet(sheet, present, [])
    check_at = next(
        (
            position
            for position, value in enumerate(header_cells)
            if not is_blank(value) and _header_key(value) == CHECK
        ),
        None,
    )
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            errors.append(
                WorkbookError(
                    f"the sheet has more than {MAX_ROWS:,} rows; split the workbook.", sheet.name
                )
            )
            break
        if len(errors) >= MAX_ERRORS:
            errors.append(
                WorkbookError(
                    f"reading stopped after {MAX_ERRORS:,} problems; fix these and upload "
                    "the workbook again.",
                    sheet.name,
                )
            )
            break
        # Empty rows (a sheet may declare a million) are skipped at C speed.
        if cells.count(None) == len(cells) or all(is_blank(value) for value in cells):
            continue
        row = ParsedRow(sheet.name, number, {column.name: None for column in present}, set(missing))
        if check_at is not None and check_at < len(cells) and not is_blank(cells[check_at]):
            reinterpretations.append(
                Reinterpretation(
                    f"marked for checking in the draft: {shown(cells[check_at]).strip()}",
                    sheet.name,
                    number,
                    CHECK,
                )
            )
        for position, value in enumerate(cells):
            if value is None:
                # An empty cell (most of a row padded to the columns read): blank in every
                # column, as row.values already says.
                continue
            column = columns[position] if position < len(columns) else None
            if column is None:
                headed = position < len(header_cells) and not is_blank(header_cells[position])
                if not headed and not is_blank(value):
                    errors.append(
                        row.error(
                            f"“{shown(value)}” is in column {position + 1}, which has no "
                            "header in row 1."
                        )
                    )
                continue
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                row.failed.add(column.name)
                errors.append(
                    row.error(
                        f"the cell holds {len(value):,} characters; at most "
                        f"{MAX_CELL_CHARS:,} are allowed.",
                        column.name,
                    )
                )
                continue

            def note(message, number=number, column=column):
                reinterpretations.append(Reinterpretation(message, sheet.name, number, column.name))

            try:
                row.values[column.name] = read_cell(value, column, note)
            except CellError as error:
                row.failed.add(column.name)
                errors.append(row.error(str(error), column.name))
        for column in sheet.required_columns:
            in_sheet = column.name in row.values
            if in_sheet and row.values[column.name] is None and column.name not in row.failed:
                row.failed.add(column.name)
                errors.append(row.error(f"{column.name} is required but blank.", column.name))
        parsed.rows.append(row)
    return parsed


NOT_A_WORKBOOK = (
    "This file is not an Excel workbook (.xlsx). Save the spreadsheet as "
    "“Excel Workbook (.xlsx)” and try again."
)


# What a damaged or hostile file raises inside openpyxl and the XML parser: each becomes
# a message. Truncated XML is a ParseError; a DTD's entities, DefusedXmlException; a
# number too long for int() or a date beyond the calendar, ValueError or OverflowError;
# a cell pointing past the shared strings, IndexError.
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    DefusedXmlException,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    OverflowError,
    TypeError,
    EOFError,
)


@dataclass
class _Archive:
    """What the zip scan found: why the file is refused (or None), and whether calamine may read it."""

    problem: str | None = None
    calamine_may_read: bool = False


# python-calamine (Rust) reads a sheet whole into a dense rectangle from its first to its
# last cell, and sizes the shared strings' list by what the file declares: a sheet with
# cells at A1 and XFD1048576 asks for 17 billion cells (550 GB) and a declared
# uniqueCount of 4,000,000,000 for 96 GB; either aborts the process. So the zip is
# scanned first (bytes, at C speed) and calamine reads a workbook only when every part
# is vouched for: every cell and row names its position plainly (r="B12"), the positions
# make a rectangle of at most MAX_DENSE_CELLS and MAX_ROWS rows, and no uniqueCount is
# more than the strings really there. Otherwise openpyxl streams it, as it always has:
# the same rows, values and messages, only slower.
MAX_DENSE_CELLS = 2_000_000
_ELEMENT_WITH_POSITION = re.compile(rb"<(?:[^\s<>/:]+:)?(?:c|row)[\s/>]")
_ANY_R_ATTRIBUTE = re.compile(rb"\sr\s*=")
_PLAIN_POSITION = re.compile(rb"""\sr\s*=\s*["']([A-Z]{0,3})(\d{1,7})["']""")
_UNIQUE_COUNT = re.compile(rb"""uniqueCount\s*=\s*["']([^"']*)["']""")
_SHARED_STRING = re.compile(rb"<(?:[^\s<>/:]+:)?si[\s/>]")
# Where calamine reads other than openpyxl: error cells (calamine gives "", openpyxl
# "#N/A") and _xHHHH_ escapes (calamine decodes them, openpyxl leaves them to read_text).
_ERROR_CELL = re.compile(rb"""\st\s*=\s*["']e["']""")
_ESCAPED_CHARACTER = re.compile(rb"_x[0-9A-Fa-f]{4}_")


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


SCAN_CHUNK_BYTES = 1024 * 1024


class _PartScan:
    """What calamine would make of one zip part, tallied chunk by chunk (see MAX_DENSE_CELLS).

    Tallied in chunks that each end just after a ``>``: none of the patterns holds a
    ``>`` but at its end, so no match is split between two chunks, and no chunk's
    matches are held for longer than the chunk (a 50 MB sheet of bare cells is
    millions). A part with no ``>`` for megabytes has no such place to cut: not vouched.
    """

    def __init__(self):
        self.has_cells = False
        self.elements = self.r_attributes = self.positions = self.shared_strings = 0
        self.rows = self.columns = 0
        self.declared_strings = []
        self.unique_count_mentions = 0
        self.differs = False  # an error cell or _xHHHH_ escape: the readers would disagree
        # Known not to be vouched for (megabytes without a ">" to cut at, or past the
        # limits already): the rest of the part is not tallied.
        self.refused = False
        self._carried = b""

    def read(self, block):
        """Take the part's next bytes; they are tallied up to their last ``>``."""
        if self.refused:
            return
        block = self._carried + block
        cut = block.rfind(b">") + 1
        self._carried = block[cut:]
        if cut:
            self._tally(block[:cut])
        if len(self._carried) > 4 * SCAN_CHUNK_BYTES:
            self.refused, self._carried = True, b""

    def _tally(self, chunk):
        # calamine reads cells only inside a sheet's <sheetData> (a theme's r="…" is no cell).
        self.has_cells = self.has_cells or b"sheetData" in chunk
        positions = _PLAIN_POSITION.findall(chunk)
        self.positions += len(positions)
        self.r_attributes += len(_ANY_R_ATTRIBUTE.findall(chunk))
        self.elements += len(_ELEMENT_WITH_POSITION.findall(chunk))
        if positions:
            self.rows = max(self.rows, *map(int, {row for _, row in positions}))
            letters = {letters for letters, _ in positions}
            self.columns = max(self.columns, *map(_column_number, letters))
        self.declared_strings += _UNIQUE_COUNT.findall(chunk)
        self.unique_count_mentions += chunk.count(b"uniqueCount")
        self.shared_strings += len(_SHARED_STRING.findall(chunk))
        # The byte tests first: at C speed, and what the patterns need is rarely there.
        self.differs = self.differs or (
            (b'"e"' in chunk or b"'e'" in chunk) and bool(_ERROR_CELL.search(chunk))
        )
        self.differs = self.differs or (b"_x" in chunk and bool(_ESCAPED_CHARACTER.search(chunk)))
        self.refused = self.refused or (self.has_cells and not self._within_limits())

    def _within_limits(self):
        return self.rows <= MAX_ROWS + 1 and self.rows * max(self.columns, 1) <= MAX_DENSE_CELLS

    def calamine_may_read(self):
        if self._carried:
            self._tally(self._carried)
            self._carried = b""
        if self.refused or (
            self.has_cells
            and not (self.positions == self.r_attributes == self.elements and self._within_limits())
        ):
            return False
        if len(self.declared_strings) != self.unique_count_mentions or not all(
            count.isdigit() and int(count) <= self.shared_strings for count in self.declared_strings
        ):
            return False
        return not self.differs


def _declares_doctype(content):
    return b"<!DOCTYPE" in content or b"<!ENTITY" in content


def _inspect_archive(stream):
    """Why the .xlsx zip in ``stream`` is refused before any XML is parsed, and whether
    calamine may read it."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _Archive(NOT_A_WORKBOOK)
    try:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return _Archive(
                f"The workbook holds more than {MAX_PARTS:,} files; it is not a register."
            )
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            return _Archive(
                f"The workbook unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB; "
                "a register is far smaller. Check it is the right file."
            )
        if encrypted(parts):
            return _Archive(NOT_A_WORKBOOK)
        names = {part.filename for part in parts}
        # An .ods or .xlsb in a zip is no .xlsx: openpyxl says so, as it always has.
        calamine_may_read = "xl/workbook.xml" in names and not names & {
            "xl/workbook.bin",
            "content.xml",
        }
        for part in parts:
            scan, tail = _PartScan(), b""
            # Within MAX_UNPACKED_BYTES: zipfile reads no more than a part declares.
            with archive.open(part) as stream:
                while block := stream.read(SCAN_CHUNK_BYTES):
                    if part.filename.endswith((".xml", ".rels")) and _declares_doctype(
                        tail + block
                    ):
                        return _Archive(
                            f"The workbook’s part “{part.filename}” declares a document type "
                            "(DTD), which spreadsheet programs never write; it was not read."
                        )
                    tail = block[-16:]
                    if calamine_may_read:
                        scan.read(block)
            calamine_may_read = calamine_may_read and scan.calamine_may_read()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return _Archive(NOT_A_WORKBOOK)
    finally:
        archive.close()
    return _Archive(calamine_may_read=calamine_may_read)


def read_workbook(path):
    """Read every known sheet of the workbook at ``path`` (a path or a binary file)."""
    if hasattr(path, "read"):
        return _read_workbook(path)
    # Opened here so it is closed whatever the reader raises part-way through.
    with open(path, "rb") as stream:
        return _read_workbook(stream)


def _read_workbook(stream):
    archive = _inspect_archive(stream)
    stream.seek(0)
    if archive.problem is not None:
        return ParsedWorkbook(errors=[WorkbookError(archive.problem)])
    if archive.calamine_may_read:
        try:
            return _read_with_calamine(stream)
        except Exception:  # anything calamine cannot read, openpyxl reads as it always has
            stream.seek(0)
        except BaseException as error:
            # A panic inside the Rust reader arrives as pyo3's PanicException, a BaseException.
            if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
                raise
            stream.seek(0)
    return _read_with_openpyxl(stream)


def _read_sheets(parsed, titles, rows_of):
    """Read each known sheet among ``titles``; ``rows_of(title, sheet)`` gives its rows."""
    for title in titles:
        sheet = SHEETS_BY_KEY.get(sheet_key(title))
        if sheet is None:
            if sheet_key(title) != sheet_key(NOTES_SHEET):
                known = ", ".join(sheet.name for sheet in SHEETS)
                parsed.errors.append(
                    WorkbookError(
                        f"The sheet “{title}” is not part of the register format; "
                        f"the sheets are: {known} (and {NOTES_SHEET}, which is ignored)."
                    )
                )
            continue
        if sheet.name in parsed.sheets:
            parsed.errors.append(WorkbookError("this sheet appears twice.", sheet.name))
            continue
        try:
            parsed.sheets[sheet.name] = _read_sheet(
                sheet, rows_of(title, sheet), parsed.errors, parsed.reinterpretations
            )
        except UNREADABLE:
            parsed.errors.append(
                WorkbookError(
                    "the sheet is damaged and could not be read: open the workbook in "
                    "your spreadsheet program, save it again as .xlsx and upload that.",
                    sheet.name,
                )
            )
    return parsed


def _read_with_openpyxl(stream):
    parsed = ParsedWorkbook()
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (*UNREADABLE, AttributeError, TypeError):
        # openpyxl's loader trips over a missing or malformed part (a chart sheet without
        # its drawing) with AttributeError or TypeError: a damaged file, not our fault.
        parsed.errors.append(WorkbookError(NOT_A_WORKBOOK))
        return parsed
    try:
        return _read_sheets(
            parsed,
            workbook.sheetnames,
            lambda title, sheet: _openpyxl_rows(sheet, workbook[title]),
        )
    finally:
        workbook.close()


def _read_with_calamine(stream):
    """The workbook read by calamine, its values as openpyxl gives them (``_as_openpyxl_gives``).

    Any error propagates, and the caller has openpyxl read the file instead: a damaged
    sheet gets openpyxl's message, as before.
    """
    with python_calamine.CalamineWorkbook.from_filelike(stream) as workbook:
        titles = workbook.sheet_names
        # Each sheet read whole before any is checked, so a failure part-way falls back cleanly.
        sheets = {
            title: workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
            for title in titles
            if SHEETS_BY_KEY.get(sheet_key(title)) is not None
        }
    return _read_sheets(
        ParsedWorkbook(),
        titles,
        lambda title, sheet: _as_openpyxl_gives(sheets[title], _columns_read(sheet)),
    )


# Integers above this do not survive a float; openpyxl gives them exactly only when a
# hand-made file writes more digits than Excel keeps (15), and either way they are
# larger than any figure the register holds.
_EXACT_INTEGERS = 2**53


def _as_openpyxl_gives(rows, width):
    """calamine's rows (from A1, blanks as "") as openpyxl's ``iter_rows(values_only=True)``
    gives them: blanks None, whole numbers int, dates at midnight as datetimes.

    openpyxl gives a number written without a point or exponent as int, else float;
    calamine gives every number as float. Whole floats become int: every reader in
    cells.py reads 1234 and 1234.0 alike. Dates: openpyxl gives a datetime, midnight
    included; calamine a date when there is no time of day.
    """
    for row in rows:
        cells = row[:width]
        for position, value in enumerate(cells):
            kind = value.__class__
            if kind is str:
                if not value:
                    cells[position] = None
            elif kind is float:
                if value.is_integer() and abs(value) < _EXACT_INTEGERS:
                    cells[position] = int(value)
            elif kind is datetime.date:
                cells[position] = datetime.datetime(value.year, value.month, value.day)
        yield cells
