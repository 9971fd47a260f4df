"""Reading a register workbook into rows of Python values, collecting every problem on the way.

Nothing here touches the database: ``read_workbook`` turns the file into
``ParsedWorkbook`` (the rows of each known sheet, keyed by column name) plus a
list of ``WorkbookError``. Matching against the register is the job of ``plan/``.
"""

import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .cells import CellError, is_blank, read_cell, shown
from .columns import NOTES_SHEET, SHEETS, SHEETS_BY_KEY, sheet_key

# The columns a draft (draft.py) adds to every sheet: why to check a row, and its source text.
CHECK, SOURCE = "check", "read_from"
DRAFT_COLUMNS = (CHECK, SOURCE)


@dataclass(frozen=True)
class WorkbookError:
    """One problem, located the way the person sees it in their spreadsheet."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

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
    rows = worksheet.iter_rows(values_only=True)
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
        if all(is_blank(value) for value in cells):
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


def read_workbook(path):
    """Read every known sheet of the workbook at ``path`` (a path or a binary file)."""
    parsed = ParsedWorkbook()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError):
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
            parsed.sheets[sheet.name] = _read_sheet(
                sheet, workbook[title], parsed.errors, parsed.reinterpretations
            )
    except (zipfile.BadZipFile, OSError) as error:
        parsed.errors.append(WorkbookError(f"The workbook could not be read: {error}."))
    finally:
        workbook.close()
    return parsed
