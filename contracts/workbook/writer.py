"""Writing the register, or part of it, as a workbook in the import format; and the blank template.

Money is written as numbers, dates as real dates, a value or option covering
one whole financial year as ``financial_year`` (``2022/23``) and any other
period as ``start_date`` and ``end_date``. Rows come out in a fixed order, so
exporting the same register twice gives the same cells.
"""

from django.db.models import Prefetch, Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from commissioning.formats import looks_like_formula
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


def _cell_value(column, record):
    """What ``column`` holds for ``record``, as a spreadsheet cell value (None for blank)."""
    if column.name == "reference" and column.refers_to == "Contracts":
        return record.contract.reference
    if column.name == "parent_reference":
        return record.parent.reference if record.parent_id else None
    if column.name == "archived":
        return "yes" if record.archived_at else "no"
    if column.name == "financial_year":
        year = record.financial_year
        return str(year) if year else None
    if column.name in ("start_date", "end_date") and hasattr(record, "financial_year"):
        return None if record.financial_year else getattr(record, column.name)
    if column.type == CellType.NAMES:
        names = sorted(related.name for related in getattr(record, column.model_field).all())
        return "; ".join(names) or None
    value = getattr(record, column.model_field)
    if column.refers_to:
        return value.name if value is not None else None
    if column.type == CellType.YES_NO:
        # None is "not recorded" (a provider's SME status): a blank cell, not "no".
        return None if value is None else ("yes" if value else "no")
    if value == "":
        return None
    return value


def _header_row(worksheet, sheet):
    bold = Font(bold=True)
    cells = []
    for column in sheet.columns:
        cell = WriteOnlyCell(worksheet, value=column.header)
        cell.font = bold
        cells.append(cell)
    return cells


def _spreadsheet_text(value):
    """Text a workbook can hold: control characters (Word's vertical tab line breaks) become
    line breaks or go, since openpyxl refuses to write them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value.replace("\x0b", "\n"))


def _data_row(worksheet, sheet, record):
    cells = []
    for column in sheet.columns:
        value = _cell_value(column, record)
        if isinstance(value, str):
            value = _spreadsheet_text(value)
        cell = WriteOnlyCell(worksheet, value=value)
        if looks_like_formula(value):
            # Text, never a formula: "=== Summary" or "-10% on last year" is what someone typed.
            cell.data_type = "s"
        if column.type == CellType.DATE:
            cell.number_format = DATE_FORMAT
        elif column.type == CellType.MONEY:
            cell.number_format = MONEY_FORMAT
        cells.append(cell)
    return cells


def _add_sheet(workbook, sheet, records=()):
    worksheet = workbook.create_sheet(sheet.name)
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns):
        worksheet.column_dimensions[get_column_letter(index + 1)].width = (
            50 if column.name in WIDE_COLUMNS else 18
        )
    worksheet.append(_header_row(worksheet, sheet))
    for record in records:
        worksheet.append(_data_row(worksheet, sheet, record))
    return worksheet


def export_contracts(contracts=None, include_archived=False):
    """The contracts an export writes, with everything the sheets need fetched in a few queries."""
    if contracts is None:
        contracts = Contract.objects.all()
    if not include_archived:
        contracts = contracts.filter(archived_at__isnull=True)
    return (
        contracts.with_printed_relations()
        .prefetch_related(
            Prefetch(
                "kpis",
                KeyPerformanceIndicator.objects.select_related("measure").order_by("order", "pk"),
            ),
            Prefetch("changes", ContractChange.objects.order_by("made_on", "pk")),
            Prefetch("notices", Notice.objects.order_by("published_on", "pk")),
        )
        .order_by("category__order", "category__name", "reference")
    )


# Contracts fetched (with their rows on the other sheets) this many at a time.
CHUNK = 1000


def write_workbook(path, contracts=None, include_archived=False):
    """Write ``contracts`` (default: the whole register) to ``path`` (a path or binary file).

    With the whole register every provider, commissioner, category, cohort,
    measure and funding stream is written, so an import into an empty database
    gives the same register back; with a filtered queryset, only those the
    chosen contracts use. Returns the number of contracts written.

    Memory stays flat however big the register: the workbook is openpyxl's
    write-only kind (rows go to temporary files as they are appended), the
    lookup sheets' rows are chosen by subqueries rather than from contracts
    held in memory, and the contracts are fetched ``CHUNK`` at a time, each
    chunk's partners, values, options and outcomes appended to their own sheets
    before the next is read.
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
    funding_streams = FundingStream.objects.select_related("provided_by").order_by("name")
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

    workbook = Workbook(write_only=True)
    for sheet, records in (
        (PROVIDERS, providers.order_by("name")),
        (COMMISSIONERS, bodies.order_by("name")),
        (CATEGORIES, categories.order_by("order", "name")),
        (COHORTS, cohorts.order_by("name")),
        (FUNDING_STREAMS, funding_streams),
        (MEASURES, measures.order_by("name")),
    ):
        _add_sheet(workbook, sheet, records.iterator(chunk_size=CHUNK))
    # Five sheets filled side by side, one chunk of contracts at a time.
    sheets = {
        sheet: _add_sheet(workbook, sheet)
        for sheet in (CONTRACTS, PARTNERS, VALUES, OPTIONS, OUTCOMES, KPIS, CHANGES, NOTICES)
    }
    written = 0
    for contract in contracts.iterator(chunk_size=CHUNK):
        written += 1
        sheets[CONTRACTS].append(_data_row(sheets[CONTRACTS], CONTRACTS, contract))
        for sheet, rows in (
            (PARTNERS, contract.partners.all()),
            (VALUES, contract.values.all()),
            (OPTIONS, contract.options.all()),
            (OUTCOMES, contract.outcomes.all()),
            (KPIS, contract.kpis.all()),
            (CHANGES, contract.changes.all()),
            (NOTICES, contract.notices.all()),
        ):
            for record in rows:
                sheets[sheet].append(_data_row(sheets[sheet], sheet, record))
    workbook.save(path)
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
    workbook = Workbook()
    notes = workbook.active
    notes.title = NOTES_SHEET
    for row in _notes_rows():
        notes.append(row)
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (16, 22, 10, 90, 30), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    notes.freeze_panes = "A2"
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append([column.header for column in sheet.columns])
        for index, column in enumerate(sheet.columns):
            worksheet.column_dimensions[get_column_letter(index + 1)].width = (
                50 if column.name in WIDE_COLUMNS else 18
            )
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
    workbook.save(path)
