"""The exported workbook and the blank template, read back with openpyxl: formats, layout, text."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from contracts.models import Contract
from contracts.workbook import import_workbook, write_workbook
from contracts.workbook.columns import SHEETS
from contracts.workbook.writer import WIDE_COLUMNS
from tests.factories import (
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    OutcomeFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

# Text a spreadsheet would run as a formula (= + - @ tab CR), and text that looks like the
# rich-text XML XlsxWriter would otherwise copy into the file as it is.
AWKWARD_TEXT = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-10% on last year",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "<r><t>bold</t></r>",
    '<r></r></t></is></c><c r="Z1"><f>1+1</f></c><c t="inlineStr"><is><t><r></r>',
    "An escape _x0041_ typed literally",
    "Typed in a browser's text box\r\nwith Windows line breaks",
]


def export(tmp_path, name="register.xlsx", **options):
    path = tmp_path / name
    write_workbook(path, **options)
    return load_workbook(path)


def header_cells(worksheet):
    return next(worksheet.iter_rows(min_row=1, max_row=1))


def column_widths(worksheet):
    """{column number: width}; neighbouring columns of one width are stored as one range."""
    return {
        number: dimension.width
        for dimension in worksheet.column_dimensions.values()
        for number in range(dimension.min, dimension.max + 1)
    }


@pytest.fixture
def contract():
    contract = ContractFactory(
        reference="VS-CORE",
        title="Victims' core service",
        start_date=datetime.date(2022, 4, 1),
        end_date=datetime.date(2025, 3, 31),
        irrecoverable_vat=True,
        irrecoverable_vat_amount=Decimal("1200.50"),
    )
    ContractValueFactory(contract=contract, year=2022, amount=Decimal("129500"))
    ContractValueFactory(
        contract=contract,
        start_date=datetime.date(2023, 4, 1),
        end_date=datetime.date(2023, 9, 30),
        amount=Decimal("55171.50"),
    )
    ExtensionOptionFactory(contract=contract, year=2025, amount=Decimal("130000"))
    OutcomeFactory(contract=contract, text="87% felt safer", value=Decimal("87"), unit="percent")
    return contract


def test_every_sheet_has_bold_headers_a_frozen_first_row_and_the_column_widths(tmp_path, contract):
    workbook = export(tmp_path)

    assert workbook.sheetnames == [sheet.name for sheet in SHEETS]
    for sheet in SHEETS:
        worksheet = workbook[sheet.name]
        assert [cell.value for cell in header_cells(worksheet)] == [c.header for c in sheet.columns]
        assert all(cell.font.b for cell in header_cells(worksheet)), sheet.name
        assert worksheet.freeze_panes == "A2"
        widths = column_widths(worksheet)
        for number, column in enumerate(sheet.columns, start=1):
            width = widths[number]
            wanted = 50 if column.name in WIDE_COLUMNS else 18
            # XlsxWriter stores the width Excel shows plus its cell padding.
            assert wanted <= width < wanted + 1, (sheet.name, column.name, width)


def test_dates_are_dates_and_money_numbers_with_the_money_format(tmp_path, contract):
    workbook = export(tmp_path)

    contracts = workbook["Contracts"]
    columns = [cell.value.rstrip("*") for cell in header_cells(contracts)]
    row = contracts[2]
    start = row[columns.index("start_date")]
    assert start.is_date and start.value == datetime.datetime(2022, 4, 1)
    assert start.number_format == "yyyy-mm-dd"
    vat = row[columns.index("irrecoverable_vat_amount")]
    assert vat.data_type == "n" and vat.value == 1200.5
    assert vat.number_format == "#,##0.00"

    values = workbook["Values"]
    assert [cell.value for cell in values[2]][:5] == ["VS-CORE", "2022/23", None, None, 129500]
    assert values["E2"].number_format == "#,##0.00"
    assert values["C3"].is_date and values["C3"].number_format == "yyyy-mm-dd"
    assert values["E3"].value == 55171.5
    assert workbook["Options"]["E2"].value == 130000
    outcome = [cell.value for cell in workbook["Outcomes"][2]]
    assert outcome[:3] == ["VS-CORE", "result", "87% felt safer"]
    assert outcome[4:6] == [87, "percent"]


@pytest.mark.parametrize("text", AWKWARD_TEXT)
def test_awkward_text_is_written_as_text_exactly_and_never_as_a_formula(tmp_path, text):
    ContractFactory(reference="ODD-1", title=text, description=text)
    ContractPartnerFactory(contract=Contract.objects.get(), area=text)

    workbook = export(tmp_path)

    for worksheet in workbook:
        for row in worksheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (worksheet.title, cell.coordinate, cell.value)
    title = workbook["Contracts"]["B2"]
    # openpyxl leaves a workbook's _xHHHH_ escapes as they are; the import decodes them.
    assert unescape(title.value) == text
    assert title.data_type == "s"
    # Marked as text typed after a ', so editing it in Excel keeps it text.
    assert title.quotePrefix == text.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape(workbook["Partners"]["D2"].value) == text


@pytest.mark.parametrize(
    ("text", "written", "quote_prefix"),
    [
        ("\x01=SUM(A1)", "=SUM(A1)", True),
        ("\x0b+1", "\n+1", False),
        ("\x02<r><t>bold</t></r>", "<r><t>bold</t></r>", False),
        ("First line\x0bsecond line", "First line\nsecond line", False),
    ],
)
def test_text_whose_control_characters_go_is_still_written_as_text(
    tmp_path, text, written, quote_prefix
):
    ContractFactory(reference="ODD-1", title=text)

    title = export(tmp_path)["Contracts"]["B2"]

    assert (title.value, title.data_type) == (written, "s")
    assert title.quotePrefix == quote_prefix


def test_web_addresses_are_written_as_plain_text_not_links(tmp_path):
    url = "https://www.example.org/services?area=north&year=2024"
    ProviderFactory(name="Linked provider", website=url)

    providers = export(tmp_path)["Providers"]

    column = [cell.value for cell in header_cells(providers)].index("website")
    cell = providers.cell(row=2, column=column + 1)
    assert (cell.value, cell.data_type, cell.hyperlink) == (url, "s", None)
    assert not providers._hyperlinks


@pytest.mark.parametrize("text", AWKWARD_TEXT)
def test_awkward_text_survives_export_and_import(tmp_path, text):
    ContractFactory(reference="ODD-1", title=text, description=text)
    write_workbook(tmp_path / "odd.xlsx")

    report = import_workbook(tmp_path / "odd.xlsx")

    assert report.ok, report.errors
    assert not report.has_changes
    assert Contract.objects.get().title == text


def test_the_export_takes_the_same_queries_however_many_contracts(tmp_path):
    def queries_for(count):
        for number in range(count):
            contract = ContractFactory(reference=f"BULK-{count}-{number}")
            ContractValueFactory(contract=contract)
            OutcomeFactory(contract=contract)
            ContractPartnerFactory(contract=contract)
            contract.cohorts.create(name=f"Cohort {count}-{number}")
        with CaptureQueriesContext(connection) as queries:
            write_workbook(tmp_path / f"{count}.xlsx")
        return len(queries)

    assert queries_for(3) == queries_for(30)


def test_the_blank_template_keeps_its_layout(editor_client):
    response = editor_client.get(reverse("admin:contracts_contract_import_template"))

    workbook = load_workbook(io.BytesIO(response.content))
    notes = workbook["Notes"]
    assert [cell.value for cell in notes[1]] == [
        "sheet",
        "column",
        "required",
        "what to write",
        "example",
    ]
    assert all(cell.font.b for cell in notes[1])
    assert notes.freeze_panes == "A2"
    widths = column_widths(notes)
    for number, width in enumerate((16, 22, 10, 90, 30), start=1):
        assert width <= widths[number] < width + 1
    assert notes["D2"].alignment.wrap_text and notes["D2"].alignment.vertical == "top"
    for sheet in SHEETS:
        worksheet = workbook[sheet.name]
        assert [cell.value for cell in worksheet[1]] == [c.header for c in sheet.columns]
        assert all(cell.font.b for cell in worksheet[1])
        assert worksheet.freeze_panes == "A2"
        assert worksheet.max_row == 1
