"""draft_workbook: an office's own spreadsheet or CSV becomes a draft that imports.

A Local Government Transparency Code contract register (its own headings, dates
and money as people write them) is drafted into the import format, with what
was unsure marked ``check`` and its source beside it, and the draft imports.
Files that are not registers are refused with a clear message and nothing is
written.
"""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from contracts.models import Contract, ContractValue, ExtensionOption, HeadingMapping
from contracts.workbook import import_workbook
from providers.models import Provider

from .workbook_files import workbook_cells

pytestmark = pytest.mark.django_db

TRANSPARENCY_CODE_CSV = """\
Reference Number,Title of Agreement,Department,Description of Goods/Services,Supplier Name,\
Supplier Registration Number,Start Date,End Date,Review Date,Total Value,Annual Value,\
Procurement Type,SME/VCSE,VAT that cannot be recovered,Extension
NS-001,Victims' hub,Victims' services,Referral and support hub,Safe Haven,1123456,01/04/2023,\
31/03/2026,01/10/2025,"£1,500,000",,Open,VCSE,0,
NS-002,Perpetrator programme,Domestic abuse,Group programme,Mendit Ltd,09876543,1st April 2024,\
March 2025,,,£83.2k,direct award,SME,0,1 + 1
NS-003,Youth mediation,Anti-social behaviour,,Peace Works CIC,,2023-10-01,2024-09-30,,£55171.50,,\
quote,VCSE,0,
NS-004,Cyber advice,Cybercrime,,Get Safe Online,,,,,£33k,,Grant,,0,
"""


def draft(tmp_path, name, content, *args):
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    out = io.StringIO()
    call_command("draft_workbook", str(source), str(tmp_path / "draft.xlsx"), *args, stdout=out)
    return tmp_path / "draft.xlsx", out.getvalue()


def rows_of(cells, sheet):
    header, *rows = cells[sheet]
    names = [str(name).rstrip("*") for name in header]
    return [dict(zip(names, row, strict=False)) for row in rows]


def test_a_transparency_code_csv_becomes_a_draft_that_imports(tmp_path):
    path, out = draft(tmp_path, "contracts.csv", TRANSPARENCY_CODE_CSV)

    assert "Heading not recognised, so not read: “VAT that cannot be recovered”" in out
    assert (
        "Read 4 providers, 1 commissioner, 4 categories, 4 contracts, 6 values, 2 options." in out
    )
    cells = workbook_cells(path)
    contracts = {row["reference"]: row for row in rows_of(cells, "Contracts")}
    assert contracts["NS-001"]["lead_provider"] == "Safe Haven"
    assert contracts["NS-001"]["procurement_route"] == "open_tender"
    assert (
        "end date “March 2025” read as 31 March 2025, the last of the month"
        in (contracts["NS-002"]["check"])
    )
    assert contracts["NS-002"]["read_from"].startswith(
        "Reference Number: NS-002; Title of Agreement"
    )
    assert (
        "£33,000 in total but no start date: no yearly values made" in contracts["NS-004"]["check"]
    )
    providers = {row["name"]: row for row in rows_of(cells, "Providers")}
    assert providers["Peace Works CIC"]["kind"] == "cic"  # its name says so
    assert providers["Safe Haven"]["charity_number"] == "1123456"
    assert providers["Mendit Ltd"]["company_number"] == "09876543"
    assert "Heading “Title of Agreement” read as title." in [row[0] for row in cells["Notes"]]

    report = import_workbook(path)

    assert report.errors == []
    assert any(
        str(item).startswith("Contracts row 3, check: marked for checking in the draft: ")
        for item in report.reinterpretations
    )
    hub = Contract.objects.get(reference="NS-001")
    assert (hub.start_date, hub.end_date) == (datetime.date(2023, 4, 1), datetime.date(2026, 3, 31))
    assert hub.total_value == Decimal("1500000")
    assert [str(value.financial_year) for value in hub.values.order_by("start_date")] == [
        "2023/24",
        "2024/25",
        "2025/26",
    ]
    programme = Contract.objects.get(reference="NS-002")
    assert list(programme.values.values_list("start_date", "end_date", "amount")) == [
        (datetime.date(2024, 4, 1), datetime.date(2025, 3, 31), Decimal("83200"))
    ]
    assert list(
        ExtensionOption.objects.filter(contract=programme).values_list("start_date", "amount")
    ) == [
        (datetime.date(2025, 4, 1), Decimal("83200")),
        (datetime.date(2026, 4, 1), Decimal("83200")),
    ]
    mediation = Contract.objects.get(reference="NS-003")
    assert sum(value.amount for value in mediation.values.all()) == Decimal("55171.50")
    assert ContractValue.objects.filter(contract__reference="NS-004").count() == 0
    assert (
        Contract.objects.get(reference="NS-004").value_note == "£33,000 in total; dates not given"
    )


def test_a_single_sheet_workbook_with_a_title_above_its_headings(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Northshire OPCC contracts register, 2024"])
    sheet.append([])
    sheet.append(
        [
            "Contract title",
            "Provider",
            "Contract start date",
            "Contract end date",
            "Value pa",
            "Status",
        ]
    )
    sheet.append(
        [
            "Hate crime advocacy",
            "Stand Up Ltd",
            datetime.datetime(2024, 4, 1),
            datetime.datetime(2026, 3, 31),
            40000,
            "current",
        ]
    )
    workbook.save(tmp_path / "ours.xlsx")

    path, _out = draft(
        tmp_path, "ours.xlsx", (tmp_path / "ours.xlsx").read_bytes(), "--office", "Northshire OPCC"
    )

    [contract] = rows_of(workbook_cells(path), "Contracts")
    assert contract["reference"] == "HATE-CRIME-ADVOCACY"
    assert contract["lead_commissioner"] == "Northshire OPCC"
    assert contract["status"] == "live"
    assert "no reference: one was made from the title" in contract["check"]
    report = import_workbook(path)
    assert report.errors == []
    assert Contract.objects.get().value_in(2025) == Decimal("40000")


def test_a_corrected_heading_is_remembered_for_the_next_upload_from_that_office(tmp_path):
    csv = "Scheme,Org delivering,Closes,Cost code\nRJ service,Remedi,31/03/2025,Core\n"
    with pytest.raises(CommandError, match="No row of recognisable headings"):
        draft(tmp_path, "ours.csv", csv, "--office", "Northshire OPCC")

    HeadingMapping.remember(
        "Northshire OPCC",
        {"scheme": "title", "org delivering": "provider", "closes": "end_date", "cost code": ""},
    )
    path, out = draft(tmp_path, "ours.csv", csv, "--office", "Northshire OPCC")

    [contract] = rows_of(workbook_cells(path), "Contracts")
    assert (contract["title"], contract["lead_provider"]) == ("RJ service", "Remedi")
    assert contract["end_date"] == datetime.datetime(2025, 3, 31)
    assert "Cost code" not in out  # the person chose not to read it: not reported again
    # Another office's uploads are not read with this office's choices.
    with pytest.raises(CommandError, match="No row of recognisable headings"):
        draft(tmp_path, "ours.csv", csv, "--office", "Southby OPCC")


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx_without_a_register():
    import docx

    document = docx.Document()
    document.add_paragraph("Minutes of the meeting")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Attendee", "Apologies"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


BAD_FILES = [
    ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "is not a spreadsheet or Word document"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
    (
        "macros.xlsm",
        _zip(
            {
                "[Content_Types].xml": '<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>',
                "xl/workbook.xml": "<workbook/>",
                "xl/vbaProject.bin": "macro",
            }
        ),
        "contains macros",
    ),
    (
        "bomb.xlsx",
        _zip({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": b"\x00" * 30_000_000}),
        "would expand to",
    ),
    ("notes.csv", "Shopping list\nmilk\neggs\n", "No row of recognisable headings"),
    ("archive.docx", _zip({"readme.txt": "hello"}), "is a zip file, not an Excel Workbook"),
    ("minutes.docx", _docx_without_a_register(), "No table with recognisable headings"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), BAD_FILES, ids=[item[0] for item in BAD_FILES]
)
def test_a_file_that_is_not_a_register_is_refused_clearly_and_nothing_is_written(
    tmp_path, name, content, message
):
    with pytest.raises(CommandError, match=message) as refused:
        draft(tmp_path, name, content)

    assert str(refused.value).endswith("Nothing was written.")
    assert not (tmp_path / "draft.xlsx").exists()
    assert Provider.objects.count() == 0


def test_a_100000_row_sheet_is_refused_after_reading_no_more_than_the_limit(tmp_path):
    rows = "".join(f"C-{number},Service {number},Supplier {number}\n" for number in range(100_000))

    with pytest.raises(CommandError, match="more than 10,000 rows"):
        draft(tmp_path, "huge.csv", "Reference,Title,Supplier name\n" + rows)

    assert not (tmp_path / "draft.xlsx").exists()


# The columns of the register's own published Transparency Code CSV (publication app).
PUBLISHED_CSV = (
    "Reference,Title,Department,Description,Purpose,Supplier name,Supplier company number,"
    "Supplier charity number,Supplier identifier,SME,"
    '"Voluntary, community or social enterprise",Total value (£),Annual value (£),'
    "VAT that cannot be recovered (£),Start date,End date,Review date,Procurement route,"
    "Other parties,Published copy,Copy redacted,Invitation to tender,OCID\n"
    "REMEDI-RJ,Restorative Justice,Northshire OPCC,RJ for victims,,Remedi,,1123456,GB-CHC-1123456,"
    "No,Yes,389500.00,130000.00,,2022-04-01,2025-03-31,2024-12-31,Open tender,,,,,\n"
)


def test_a_published_transparency_code_csv_reads_back_as_a_draft(tmp_path):
    path, out = draft(tmp_path, "published.csv", PUBLISHED_CSV)

    for heading in ("Purpose", "SME", "OCID", "Other parties"):
        assert f"Heading not recognised, so not read: “{heading}”" in out
    assert (
        "“Supplier identifier” also looks like the lead provider; only “Supplier name” was read "
        "as it." in out
    )
    report = import_workbook(path)
    assert report.errors == []
    contract = Contract.objects.get(reference="REMEDI-RJ")
    assert contract.procurement_route == "open_tender"
    assert contract.lead_provider.charity_number == "1123456"
    assert contract.total_value == Decimal("389500")
    assert contract.value_in(2022) + contract.value_in(2023) + contract.value_in(2024) == Decimal(
        "389500"
    )


def test_a_word_document_whose_text_is_too_big_to_parse_whole_is_refused(tmp_path, monkeypatch):
    from contracts.workbook import source_files

    from .word_tables import build_docx, cumbria_rows

    monkeypatch.setattr(source_files, "MAX_DOCUMENT_XML_BYTES", 10_000)
    source = build_docx(tmp_path / "big.docx", cumbria_rows())

    with pytest.raises(CommandError, match="far more than any register's table: it was not read"):
        draft(tmp_path, "big.docx", source.read_bytes())

    assert not (tmp_path / "draft.xlsx").exists()
