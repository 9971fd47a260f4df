"""A draft register workbook made from an office's own spreadsheet or Word table.

The readers (``office_layout`` for a spreadsheet or CSV in the office's own
columns, ``word_table`` for a Word table like Cumbria's) fill a ``Draft``; it is
written in the import format (docs/workbook-format.md) with two more columns on
every sheet: ``check`` (why a person should look at this row; blank when the
reader was sure) and ``read_from`` (the source text it was read from). The import ignores
both columns, but lists every row still marked ``check`` in its preview, so the
person confirms the draft rather than retypes it.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from commissioning.fy import FinancialYear, apportion, to_pennies

from .columns import (
    CATEGORIES,
    COMMISSIONERS,
    CONTRACTS,
    FUNDING_STREAMS,
    OPTIONS,
    OUTCOMES,
    PARTNERS,
    PROVIDERS,
    VALUES,
    CellType,
)
from .reader import DRAFT_COLUMNS

DRAFT_SHEETS = (
    PROVIDERS,
    COMMISSIONERS,
    CATEGORIES,
    FUNDING_STREAMS,
    CONTRACTS,
    PARTNERS,
    VALUES,
    OPTIONS,
    OUTCOMES,
)
NAMED_SHEETS = {PROVIDERS.name, COMMISSIONERS.name, CATEGORIES.name, FUNDING_STREAMS.name}

# A cell a spreadsheet program shows in full; longer source text is cut here.
MAX_SOURCE_CHARACTERS = 2000


@dataclass
class DraftRow:
    values: dict
    checks: list = field(default_factory=list)
    source: str = ""

    def check(self, reason):
        if reason not in self.checks:
            self.checks.append(reason)


@dataclass
class Draft:
    """Rows for each sheet of the import format, with what to check and where each came from."""

    office: str = ""
    rows: dict = field(default_factory=lambda: {sheet.name: [] for sheet in DRAFT_SHEETS})
    named: dict = field(default_factory=lambda: {name: {} for name in NAMED_SHEETS})
    notes: list = field(default_factory=list)  # what the reader says about the whole source
    unrecognised: list = field(default_factory=list)  # headings it could not place
    mapping: dict = field(default_factory=dict)  # heading -> field it was read as (label)
    heading_fields: dict = field(default_factory=dict)  # heading -> field name, "" if not read
    references: set = field(default_factory=set)

    # Named lists: one row per name, whatever the case ---------------------------------

    def _named(self, sheet, name, **values):
        key = name.casefold()
        rows = self.named[sheet]
        if key not in rows:
            rows[key] = DraftRow({"name": name})
            self.rows[sheet].append(rows[key])
        row = rows[key]
        for column, value in values.items():
            if value not in (None, "") and row.values.get(column) in (None, ""):
                row.values[column] = value
        return row

    def provider(self, name, **values):
        return self._named(PROVIDERS.name, name, **values)

    def commissioner(self, name, **values):
        return self._named(COMMISSIONERS.name, name, **values)

    def category(self, name):
        return self._named(CATEGORIES.name, name)

    def funding_stream(self, name):
        return self._named(FUNDING_STREAMS.name, name)

    # Contracts and their rows -------------------------------------------------------

    def new_reference(self, *words):
        """A unique reference made from ``words`` (letters, digits and hyphens, upper case)."""
        base = "-".join(
            part for part in (slugify(str(word)).upper() for word in words if word) if part
        )
        base = re.sub(r"-+", "-", base).strip("-")[:40] or "CONTRACT"
        reference, number = base, 2
        while reference.casefold() in self.references:
            reference = f"{base}-{number}"
            number += 1
        self.references.add(reference.casefold())
        return reference

    def claim_reference(self, reference):
        """Keep a reference the source gives; False when it is already taken in this draft."""
        if reference.casefold() in self.references:
            return False
        self.references.add(reference.casefold())
        return True

    def add(self, sheet, values, source="", checks=()):
        row = DraftRow(dict(values), list(checks), source)
        self.rows[sheet].append(row)
        return row

    @property
    def contracts(self):
        return self.rows[CONTRACTS.name]

    def flagged(self):
        """How many rows, on every sheet, are marked for checking."""
        return sum(1 for rows in self.rows.values() for row in rows if row.checks)

    # Writing ------------------------------------------------------------------------

    def write(self, path):
        """Write the draft as an import workbook, with ``check`` and ``source`` on each sheet."""
        workbook = Workbook(write_only=True)
        notes = workbook.create_sheet("Notes")
        notes.append(
            [
                "This is a draft made by draft_workbook. Check the rows marked in the "
                "check column against the source text beside them, then import it."
            ]
        )
        for line in self.notes:
            notes.append([line])
        for heading in self.unrecognised:
            notes.append([f"Heading not recognised, so not read: “{heading}”."])
        for heading, name in self.mapping.items():
            notes.append([f"Heading “{heading}” read as {name}."])
        for sheet in DRAFT_SHEETS:
            rows = self.rows[sheet.name]
            if not rows and sheet.name not in (
                PROVIDERS.name,
                COMMISSIONERS.name,
                CONTRACTS.name,
            ):
                continue
            worksheet = workbook.create_sheet(sheet.name)
            worksheet.append([column.header for column in sheet.columns] + list(DRAFT_COLUMNS))
            for row in rows:
                cells = [
                    _cell(worksheet, column, row.values.get(column.name))
                    for column in sheet.columns
                ]
                cells.append("; ".join(row.checks) or None)
                # Every contract row carries its source; other rows only when flagged.
                shown_source = row.source if row.checks or sheet is CONTRACTS else ""
                cells.append(_source_text(shown_source))
                worksheet.append(cells)
        workbook.save(path)


def _source_text(text):
    text = (text or "").strip()
    if len(text) > MAX_SOURCE_CHARACTERS:
        text = text[: MAX_SOURCE_CHARACTERS - 1] + "…"
    # Text, never a formula, in the person's spreadsheet program.
    return "'" + text if text.startswith(("=", "+", "-", "@")) else (text or None)


def _cell(worksheet, column, value):
    if value is None or value == "":
        return None
    if isinstance(value, FinancialYear):
        return value.label
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    if column.type == CellType.DATE and isinstance(value, datetime.date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, Decimal):
        return value
    return value


# Placing money in financial years ------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """One value row: a period (a whole year when ``year``) and its amount."""

    start: datetime.date
    end: datetime.date
    amount: Decimal

    @property
    def year(self):
        if FinancialYear.is_whole_year(self.start, self.end):
            return FinancialYear.containing(self.start)
        return None

    def values(self, reference):
        period = (
            {"financial_year": self.year}
            if self.year
            else {"start_date": self.start, "end_date": self.end}
        )
        return {"reference": reference, **period, "amount": self.amount}


def place_total(total, start, end, by_year=True):
    """A total over ``start``–``end``: one row per financial year it touches (its share by
    days, the kernel's apportionment), or one row over the whole period."""
    if not by_year:
        return [Placed(start, end, total)]
    shares = apportion(total, start, end)
    return [
        Placed(max(start, year.start), min(end, year.end), amount)
        for year, amount in shares.items()
    ]


def place_annual(annual, start, end):
    """An annual value over ``start``–``end``: a year's value for each whole year, and a
    share by days for a part year. Returns (rows, whether any year was only part covered)."""
    rows, part = [], False
    for year in FinancialYear.spanning(start, end):
        first, last = max(start, year.start), min(end, year.end)
        days = (last - first).days + 1
        if days == year.days:
            rows.append(Placed(first, last, annual))
        else:
            part = True
            rows.append(Placed(first, last, to_pennies(annual * days / year.days)))
    return rows, part
