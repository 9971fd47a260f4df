"""Reading a register workbook into rows of Python values, collecting every problem on the way.

Nothing here touches the database: ``read_workbook`` turns the file into
``ParsedWorkbook`` (the rows of each known sheet, keyed by column name) plus a
list of ``WorkbookError``. Matching against the register is the job of ``plan/``.
"""

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .cells import CellError, is_blank, read_cell, shown
from .columns import NOTES_SHEET, SHEETS, SHEETS_BY_KEY, sheet_key

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


def _read_sheet(sheet, worksheet, errors, reinterpretations):
    # Only the format's columns (and a few more, to point out stray values) are read:
    # a sheet may declare 16,384 columns, and would otherwise have every row padded to it.
    rows = worksheet.iter_rows(
        max_col=len(sheet.columns) + len(DRAFT_COLUMNS) + EXTRA_COLUMNS,
        max_row=MAX_ROWS + 2,
        values_only=True,
    )
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
# number too long for int() or a date beyond the calendar, ValueError or OverflowError.
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    DefusedXmlException,
    KeyError,
    OSError,
    ValueError,
    OverflowError,
    TypeError,
    EOFError,
)


def _archive_problem(path):
    """Why the .xlsx zip at ``path`` is refused before any XML is parsed, or None."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return NOT_A_WORKBOOK
    try:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return f"The workbook holds more than {MAX_PARTS:,} files; it is not a register."
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            return (
                f"The workbook unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB; "
                "a register is far smaller. Check it is the right file."
            )
        for part in parts:
            if part.filename.endswith((".xml", ".rels")) and _declares_doctype(archive, part):
                return (
                    f"The workbook’s part “{part.filename}” declares a document type (DTD), "
                    "which spreadsheet programs never write; it was not read."
                )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return NOT_A_WORKBOOK
    finally:
        archive.close()
    return None


def _declares_doctype(archive, part):
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                return True
            tail = chunk[-16:]
    return False


def read_workbook(path):
    """Read every known sheet of the workbook at ``path`` (a path or a binary file)."""
    if hasattr(path, "read"):
        return _read_workbook(path)
    # Opened here so it is closed whatever openpyxl raises part-way through.
    with open(path, "rb") as stream:
        return _read_workbook(stream)


def _read_workbook(stream):
    parsed = ParsedWorkbook()
    problem = _archive_problem(stream)
    stream.seek(0)
    if problem is not None:
        parsed.errors.append(WorkbookError(problem))
        return parsed
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except UNREADABLE:
        parsed.errors.append(WorkbookError(NOT_A_WORKBOOK))
        return parsed
    try:
        for title in workbook.sheetnames:
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
                    sheet, workbook[title], parsed.errors, parsed.reinterpretations
                )
            except UNREADABLE:
                parsed.errors.append(
                    WorkbookError(
                        "the sheet is damaged and could not be read: open the workbook in "
                        "your spreadsheet program, save it again as .xlsx and upload that.",
                        sheet.name,
                    )
                )
    finally:
        workbook.close()
    return parsed
