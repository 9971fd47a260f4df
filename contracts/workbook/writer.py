"""Writing the register, or part of it, as a workbook in the import format; and the blank template.

Money is written as numbers, dates as real dates, a value or option covering
one whole financial year as ``financial_year`` (``2022/23``) and any other
period as ``start_date`` and ``end_date``. Rows come out in a fixed order, so
exporting the same register twice gives the same cells.

The workbook is written by XlsxWriter in its ``constant_memory`` mode: each
row goes to its sheet's temporary file as soon as the next row starts, so
memory stays flat however big the register. Rows are read with
``values_list()`` (no model instances), each sheet in one streamed query with
the names it shows joined in; blank cells are not written at all (a column's
format still applies to them). openpyxl stays the reader.
"""

import itertools

from django.db.models import Q
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter import Workbook

from commissioning.formats import FORMULA_TRIGGERS, looks_like_formula
from commissioning.fy import FinancialYear
from commissioning.spreadsheets import RICH_TEXT_START, TextCells
from contracts.models import (
    Category,
    Cohort,
    CommissioningBody,
    Contract,
    ContractChange,
    ContractPartner,
    ContractValue,
    ExtensionOption,
    FundingStream,
    Notice,
)
from outcomes.models import KeyPerformanceIndicator, Measure, Outcome
from providers.models import Provider

from .columns import (
    CATEGORIES,
    CHANGES,
    COHORTS,
    COMMISSIONERS,
    CONTRACTS,
    FUNDING_STREAMS,
    KPIS,
    MEASURES,
    NOTES_SHEET,
    NOTICES,
    OPTIONS,
    OUTCOMES,
    PARTNERS,
    PROVIDERS,
    SHEETS,
    VALUES,
    CellType,
)

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
WIDE_COLUMNS = {"title", "description", "text", "notes", "internal_notes", "address"}
NARROW_WIDTH, WIDE_WIDTH = 18, 50
NUMBER_TYPES = {CellType.MONEY, CellType.NUMBER, CellType.WHOLE}

# The contracts' order, and each sheet's rows' order within a contract (as on the contract page).
CONTRACT_ORDER = ("category__order", "category__name", "reference")
CHILD_SHEETS = (
    (PARTNERS, ContractPartner, ("role", "area", "provider__name", "pk")),
    (VALUES, ContractValue, ("start_date", "end_date", "pk")),
    (OPTIONS, ExtensionOption, ("start_date", "end_date", "pk")),
    (OUTCOMES, Outcome, ("order", "pk")),
    (KPIS, KeyPerformanceIndicator, ("order", "pk")),
    (CHANGES, ContractChange, ("made_on", "pk")),
    (NOTICES, Notice, ("published_on", "pk")),
)

# Rows fetched from the database this many at a time.
CHUNK = 2000


class _Formats:
    """The few cell formats a register workbook uses, made once per workbook."""

    def __init__(self, workbook):
        self.header = workbook.add_format({"bold": True})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.money = workbook.add_format({"num_format": MONEY_FORMAT})
        # Text that a spreadsheet would run as a formula: a text cell marked as typed with a
        # leading ' (Excel's quotePrefix), so editing it later keeps it text too.
        self.as_text = workbook.add_format({"quote_prefix": True})
        self.wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.text = TextCells(workbook)


def _spreadsheet_text(value):
    """Text a workbook can hold: control characters (Word's vertical tab line breaks) become
    line breaks or go."""
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\x0b", "\n"))


# Text needs more than a plain write_string when it holds a character a workbook cannot
# hold (\x0b, Word's line break, among them: ILLEGAL_CHARACTERS_RE) or starts like a formula
# (the one rule, commissioning.formats) or like rich-text XML (commissioning.spreadsheets).
# Most text does not, and a search for one character class and a startswith find that out
# (a third of a microsecond a cell; one regex of the three alternatives took a microsecond).
_CAREFUL_STARTS = (*FORMULA_TRIGGERS, RICH_TEXT_START)


def _text_writer(worksheet, formats):
    """``write(row, col, text)``: a text cell, never a formula, the text exactly as given."""
    write_string = worksheet.write_string
    has_illegal_character = ILLEGAL_CHARACTERS_RE.search

    def write(row, col, value):
        if not isinstance(value, str):
            value = str(value)
        if has_illegal_character(value) is None and not value.startswith(_CAREFUL_STARTS):
            write_string(row, col, value)
            return
        value = _spreadsheet_text(value)
        cell_format = formats.as_text if looks_like_formula(value) else None
        formats.text.write(worksheet, row, col, value, cell_format)

    return write


def _cell_writer(column, worksheet, formats):
    """How ``column``'s cells are written: dates as dates, numbers as numbers, the rest as text."""
    if column.type == CellType.DATE:
        return lambda row, col, value: worksheet.write_datetime(row, col, value, formats.date)
    if column.type in NUMBER_TYPES:
        number_format = formats.money if column.type == CellType.MONEY else None
        return lambda row, col, value: worksheet.write_number(row, col, value, number_format)
    return _text_writer(worksheet, formats)


def _add_sheet(workbook, formats, sheet):
    """A sheet laid out for ``sheet``: bold headers in row 1 (frozen), widths, column formats."""
    worksheet = workbook.add_worksheet(sheet.name)
    for index, column in enumerate(sheet.columns):
        width = WIDE_WIDTH if column.name in WIDE_COLUMNS else NARROW_WIDTH
        # Dates and money typed later into a blank cell get the column's format.
        column_format = {CellType.DATE: formats.date, CellType.MONEY: formats.money}.get(
            column.type
        )
        worksheet.set_column(index, index, width, column_format)
        worksheet.write_string(0, index, column.header, formats.header)
    worksheet.freeze_panes(1, 0)
    return worksheet


def _whole_year(start, end):
    """The financial year a period is exactly, or None (the rule of ``ContractValue.financial_year``)."""
    if start and end and FinancialYear.is_whole_year(start, end):
        return FinancialYear.containing(start)
    return None


def _yes_no(value):
    # None is "not recorded" (a provider's SME status): a blank cell, not "no".
    return None if value is None else ("yes" if value else "no")


def _row_reader(sheet):
    """The fields to fetch for ``sheet``, and per column ``read(row, names)``: its cell's value.

    ``names`` maps a NAMES column to {contract pk: [names]} (Contracts sheet only; the
    contract's pk is fetched last).
    """
    fields = []

    def field(lookup):
        if lookup not in fields:
            fields.append(lookup)
        return fields.index(lookup)

    readers = []
    period = sheet.column("financial_year") is not None
    for column in sheet.columns:
        name = column.name
        if name == "reference" and column.refers_to == "Contracts":
            readers.append(_getter(field("contract__reference")))
        elif name == "parent_reference":
            readers.append(_getter(field("parent__reference")))
        elif name == "archived":
            index = field("archived_at")
            readers.append(lambda row, names, index=index: "yes" if row[index] else "no")
        elif period and name in ("financial_year", "start_date", "end_date"):
            start, end = field("start_date"), field("end_date")
            if name == "financial_year":

                def year(row, names, start=start, end=end):
                    whole = _whole_year(row[start], row[end])
                    return str(whole) if whole else None

                readers.append(year)
            else:
                index = start if name == "start_date" else end

                def date(row, names, start=start, end=end, index=index):
                    return None if _whole_year(row[start], row[end]) else row[index]

                readers.append(date)
        elif column.type == CellType.NAMES:
            readers.append(
                lambda row, names, column=column: "; ".join(sorted(names[column][row[-1]])) or None
            )
        elif column.refers_to:
            readers.append(_getter(field(f"{column.model_field}__name")))
        elif column.type == CellType.YES_NO:
            index = field(column.model_field)
            readers.append(lambda row, names, index=index: _yes_no(row[index]))
        elif column.type in NUMBER_TYPES or column.type == CellType.DATE:
            readers.append(_getter(field(column.model_field)))
        else:
            # Text: an empty string is a blank cell.
            index = field(column.model_field)
            readers.append(lambda row, names, index=index: row[index] or None)

    return fields, readers


def _getter(index):
    return lambda row, names: row[index]


def _write_rows(worksheet, formats, sheet, rows, names_for=None):
    """Append ``rows`` (a values_list() queryset of ``sheet``'s fields) below the header.

    ``names_for(chunk)`` gives the NAMES columns' names for a chunk of rows. Returns the
    number of rows written.
    """
    _, readers = _row_reader(sheet)
    writers = [_cell_writer(column, worksheet, formats) for column in sheet.columns]
    columns = list(enumerate(zip(readers, writers, strict=True)))
    number = 0
    for chunk in itertools.batched(rows.iterator(chunk_size=CHUNK), CHUNK):
        names = names_for(chunk) if names_for else None
        for row in chunk:
            number += 1
            for col, (read, write) in columns:
                value = read(row, names)
                if value is not None:
                    write(number, col, value)
    return number


def _rows(sheet, queryset, *extra):
    """``queryset`` as the tuples ``_row_reader(sheet)`` reads (``extra`` fields after them)."""
    fields, _ = _row_reader(sheet)
    return queryset.values_list(*fields, *extra)


def _names_of_contracts(chunk):
    """Each NAMES column's names for the contracts of ``chunk`` (their pks are last in a row)."""
    pks = [row[-1] for row in chunk]
    names = {}
    for column in CONTRACTS.columns:
        if column.type != CellType.NAMES:
            continue
        through = getattr(Contract, column.model_field).through
        target = next(
            field.name
            for field in through._meta.get_fields()
            if field.is_relation and field.related_model is not Contract
        )
        found = {pk: [] for pk in pks}
        for contract, name in through.objects.filter(contract__in=pks).values_list(
            "contract", f"{target}__name"
        ):
            found[contract].append(name)
        names[column] = found
    return names


def export_contracts(contracts=None, include_archived=False):
    """The contracts an export writes, in the register's order."""
    if contracts is None:
        contracts = Contract.objects.all()
    if not include_archived:
        contracts = contracts.filter(archived_at__isnull=True)
    return contracts.order_by(*CONTRACT_ORDER)


def write_workbook(path, contracts=None, include_archived=False):
    """Write ``contracts`` (default: the whole register) to ``path`` (a path or binary file).

    With the whole register every provider, commissioner, category, cohort,
    measure and funding stream is written, so an import into an empty database
    gives the same register back; with a filtered queryset, only those the
    chosen contracts use. Returns the number of contracts written.

    Memory stays flat however big the register (see the module's docstring):
    one streamed query per sheet, in the register's order (the child sheets
    joined to their contract for it), plus the contracts' co-commissioners and
    cohorts fetched a chunk of contracts at a time.
    """
    whole_register = contracts is None
    contracts = export_contracts(contracts, include_archived)
    chosen = contracts.order_by().values("pk")
    partners = ContractPartner.objects.filter(contract__in=chosen)
    values = ContractValue.objects.filter(contract__in=chosen)
    options = ExtensionOption.objects.filter(contract__in=chosen)

    used_providers = Q(pk__in=contracts.order_by().values("lead_provider")) | Q(
        pk__in=partners.values("provider")
    )
    funding_streams = FundingStream.objects.order_by("name")
    if whole_register:
        providers = Provider.objects.all()
        if not include_archived:
            providers = providers.filter(Q(archived_at__isnull=True) | used_providers)
        bodies = CommissioningBody.objects.all()
        categories = Category.objects.all()
        cohorts = Cohort.objects.all()
        measures = Measure.objects.all()
    else:
        funding_streams = funding_streams.filter(
            Q(pk__in=values.values("funding_stream")) | Q(pk__in=options.values("funding_stream"))
        )
        providers = Provider.objects.filter(used_providers)
        bodies = CommissioningBody.objects.filter(
            Q(pk__in=contracts.order_by().values("lead_commissioner"))
            | Q(pk__in=Contract.co_commissioners.through.objects.filter(
                contract__in=chosen).values("commissioningbody"))
            | Q(pk__in=values.values("payer"))
            | Q(pk__in=options.values("payer"))
            | Q(pk__in=funding_streams.values("provided_by"))
        )  # fmt: skip
        categories = Category.objects.filter(pk__in=contracts.order_by().values("category"))
        cohorts = Cohort.objects.filter(
            pk__in=Contract.cohorts.through.objects.filter(contract__in=chosen).values("cohort")
        )
        measures = Measure.objects.filter(
            Q(pk__in=Outcome.objects.filter(contract__in=chosen).values("measure"))
            | Q(
                pk__in=KeyPerformanceIndicator.objects.filter(contract__in=chosen).values("measure")
            )
        )

    workbook = Workbook(path, {"constant_memory": True})
    formats = _Formats(workbook)
    for sheet, records in (
        (PROVIDERS, providers.order_by("name")),
        (COMMISSIONERS, bodies.order_by("name")),
        (CATEGORIES, categories.order_by("order", "name")),
        (COHORTS, cohorts.order_by("name")),
        (FUNDING_STREAMS, funding_streams),
        (MEASURES, measures.order_by("name")),
    ):
        _write_rows(_add_sheet(workbook, formats, sheet), formats, sheet, _rows(sheet, records))
    written = _write_rows(
        _add_sheet(workbook, formats, CONTRACTS),
        formats,
        CONTRACTS,
        _rows(CONTRACTS, contracts, "pk"),
        names_for=_names_of_contracts,
    )
    in_contract_order = [f"contract__{field}" for field in CONTRACT_ORDER]
    for sheet, model, order in CHILD_SHEETS:
        rows = model.objects.filter(contract__in=chosen).order_by(*in_contract_order, *order)
        _write_rows(_add_sheet(workbook, formats, sheet), formats, sheet, _rows(sheet, rows))
    workbook.close()
    return written


# How each kind of cell is written, for the Notes sheet.
CELL_TYPE_NOTES = {
    CellType.TEXT: "Text.",
    CellType.NAME: "A name, spelt as on its own sheet (capitals don't matter).",
    CellType.DATE: "A date: a spreadsheet date, YYYY-MM-DD, 31/03/2024 (day first) or "
    "31st March 2024; March 2024 means the 1st (or the 31st for an end), and is flagged.",
    CellType.MONEY: "Money: a number or text like £1,234.56, £83.2k, £2.2m, £6.6 million or "
    "£1,234 pa; £0 or more, pence at most.",
    CellType.NUMBER: "A number, at most two decimal places.",
    CellType.WHOLE: "A whole number, 0 or more.",
    CellType.YEAR: "A financial year, 1 April to 31 March, written like 2022/23 (also 2022-23, "
    "22/23, FY2022).",
    CellType.CHOICE: "One of the values listed (capitals and spaces don't matter).",
    CellType.NAMES: "Names separated by ;",
    CellType.YES_NO: "yes or no.",
    CellType.URL: "A web address; https:// is added when it is left off.",
    CellType.EMAIL: "An email address; spaces inside it are dropped.",
    CellType.PHONE: "A phone number, spaced as you like.",
}

GENERAL_NOTES = [
    "Row 1 of each sheet holds the column names; * marks a required column. Columns you "
    "don't need may be deleted; extra columns or sheets are errors (this Notes sheet is "
    "ignored).",
    "Contracts are matched by reference and everything else by name, so importing the same "
    "workbook twice changes nothing. For each contract on the Contracts sheet, its partners, "
    "values, options and outcomes become exactly the rows on those sheets.",
    "Every row is checked before anything is written: one mistake and nothing is imported, "
    "with every problem listed by sheet, row and column.",
]


def _notes_rows():
    yield ["sheet", "column", "required", "what to write", "example"]
    for note in GENERAL_NOTES:
        yield ["", "", "", note, ""]
    for sheet in SHEETS:
        yield [sheet.name, "", "", sheet.help, ""]
        for column in sheet.columns:
            what = [column.help, CELL_TYPE_NOTES[column.type]]
            if column.type == CellType.CHOICE:
                what.append("Values: " + ", ".join(column.allowed_values()) + ".")
            yield [
                sheet.name,
                column.name,
                "yes" if column.required else "",
                " ".join(part for part in what if part),
                "" if column.example is None else str(column.example),
            ]


def write_template(path):
    """A blank workbook with every sheet's headers and a Notes sheet explaining each column."""
    workbook = Workbook(path)
    formats = _Formats(workbook)
    notes = workbook.add_worksheet(NOTES_SHEET)
    for col, width in enumerate((16, 22, 10, 90, 30)):
        notes.set_column(col, col, width)
    notes.freeze_panes(1, 0)
    write_text = _text_writer(notes, formats)
    for number, row in enumerate(_notes_rows()):
        for col, value in enumerate(row):
            if number == 0:
                notes.write_string(number, col, value, formats.header)
            elif col == 3:
                notes.write_string(number, col, value, formats.wrapped)
            elif value:
                write_text(number, col, value)
    for sheet in SHEETS:
        _add_sheet(workbook, formats, sheet)
    workbook.close()
