"""Hostile workbooks: each class is refused with a message, costs little, and leaves no file behind.

The classes (docs/security.md, "Hostile uploads"): XML that declares a document
type or entities (XXE, billion laughs), truncated XML, numbers too large for the
register as numbers or as text, exponents that would take minutes to expand, a
declared dimension of 16,384 columns, megabyte cells quoted in messages, and
more problems than a page can list.
"""

import io
import os
import re
import struct
import time
import zipfile

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from contracts.models import Contract
from contracts.workbook import import_workbook
from contracts.workbook.columns import SHEETS
from contracts.workbook.reader import (
    DRAFT_COLUMNS,
    EXTRA_COLUMNS,
    MAX_CELL_CHARS,
    MAX_MESSAGE_CHARS,
    NOT_A_WORKBOOK,
)

from ..contracts.workbook_files import build_workbook, calamine_asked, set_cell, valid_sheets

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/contracts/contract/import/"
CONFIRM_URL = "/admin/contracts/contract/import/confirm/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def importer_client():
    user = User.objects.create_user("importer", password="not-used", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_contract", "import_register"])
    )
    client = Client()
    client.force_login(user)
    return client


def sheet_part(sheets, name):
    """The zip part openpyxl wrote sheet ``name`` to (sheets are numbered in order)."""
    return f"xl/worksheets/sheet{list(sheets).index(name) + 1}.xml"


def rewrite(path, part, transform):
    """Rewrite one part of the .xlsx zip at ``path`` with ``transform(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as original:
        parts = [(info, original.read(info)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info, content in parts:
            rewritten.writestr(
                info.filename, transform(content) if info.filename == part else content
            )
    return path


def messages(path):
    return [str(error) for error in import_workbook(path, dry_run=True).errors]


def with_doctype(doctype):
    def transform(content):
        if content.startswith(b"<?xml"):
            declaration, rest = content.split(b"?>", 1)
            return declaration + b"?>" + doctype + rest
        return doctype + content

    return transform


def with_entity_in_a_cell(doctype):
    def transform(content):
        return with_doctype(doctype)(content.replace(b"Victim Support", b"&xxe;"))

    return transform


SECRET = "TOP-SECRET-LINE-FROM-THE-SERVER"


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def test_an_external_entity_is_refused_and_never_resolved(tmp_path, secret_file):
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "xxe.xlsx", sheets)
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'.encode()
    rewrite(path, sheet_part(sheets, "Providers"), with_entity_in_a_cell(doctype))

    found = messages(path)

    assert any("declares a document type (DTD)" in message for message in found)
    assert not any(SECRET in message for message in found)
    assert Contract.objects.count() == 0


@pytest.mark.parametrize(
    "doctype",
    [
        b"<!DOCTYPE worksheet>",
        b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>',
    ],
    ids=["document type", "entity declaration (billion laughs)"],
)
def test_a_sheet_declaring_a_document_type_or_entities_gets_a_message(tmp_path, doctype):
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "dtd.xlsx", sheets)
    rewrite(path, sheet_part(sheets, "Values"), with_doctype(doctype))

    assert any("declares a document type (DTD)" in message for message in messages(path))


def test_entities_the_byte_scan_cannot_see_are_still_refused_by_the_parser(
    tmp_path, secret_file, monkeypatch
):
    """defusedxml is the real guard: with the early check switched off, the parser refuses."""
    from contracts.workbook import reader

    monkeypatch.setattr(reader, "_declares_doctype", lambda content: False)
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "xxe.xlsx", sheets)
    doctype = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'.encode()
    rewrite(path, sheet_part(sheets, "Providers"), with_entity_in_a_cell(doctype))

    found = messages(path)

    assert found == [
        "This file is not an Excel workbook (.xlsx). Save the spreadsheet as "
        "“Excel Workbook (.xlsx)” and try again."
    ] or found[0].startswith("Providers: the sheet is damaged and could not be read")
    assert not any(SECRET in message for message in found)


def test_a_truncated_sheet_gets_a_message(tmp_path):
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "cut.xlsx", sheets)
    rewrite(path, sheet_part(sheets, "Contracts"), lambda content: content[: len(content) // 2])

    assert "Contracts: the sheet is damaged and could not be read" in messages(path)[0]


def numeric_cell(sheets, sheet, row, column_letter, number_text):
    """Put a raw numeric ``<v>`` in a cell, as a hand-made file can (beyond what Excel writes)."""

    def transform(content):
        marker = f'<c r="{column_letter}{row}"'.encode()
        start = content.index(marker)
        end = content.index(b"</c>", start) + len(b"</c>")
        cell = f'<c r="{column_letter}{row}"><v>{number_text}</v></c>'.encode()
        return content[:start] + cell + content[end:]

    return sheet_part(sheets, sheet), transform


@pytest.mark.parametrize("as_text", [False, True], ids=["as a number", "as text"])
@pytest.mark.parametrize(
    "amount", ["100000000000000000000000000", "1" * 40, "9" * 4400, "1E+26", "1e999999999"]
)
def test_an_amount_too_large_for_the_register_gets_a_message(tmp_path, amount, as_text):
    sheets = valid_sheets()
    if as_text:
        set_cell(sheets, "Values", 2, "amount", amount)
        path = build_workbook(tmp_path / "huge.xlsx", sheets)
    else:
        set_cell(sheets, "Values", 2, "amount", 1)
        path = build_workbook(tmp_path / "huge.xlsx", sheets)
        rewrite(path, *numeric_cell(sheets, "Values", 2, "E", amount))

    found = messages(path)

    assert found, "the amount was accepted"
    assert all(len(message) <= MAX_MESSAGE_CHARS for message in found)
    assert any(
        (
            message.startswith("Values row 2, column amount")
            and any(
                reason in message
                for reason in ("the most an amount", "too long to be an amount", "is not an amount")
            )
        )
        or "Values: the sheet is damaged" in message
        for message in found
    ), found


@pytest.mark.parametrize("number", ["1e999999999", "1E+5000", "9" * 60, "99999999999999"])
def test_a_whole_number_with_an_enormous_exponent_is_refused_without_expanding_it(tmp_path, number):
    sheets = set_cell(valid_sheets(), "Outcomes", 3, "numerator", number)

    found = messages(build_workbook(tmp_path / "exponent.xlsx", sheets))

    assert any(
        message.startswith("Outcomes row 3, column numerator")
        and ("larger than" in message or "too long to be a number" in message)
        for message in found
    ), found


def test_a_declared_dimension_of_16384_columns_is_not_read(tmp_path, monkeypatch):
    from contracts.workbook import reader

    sheets = valid_sheets()
    path = build_workbook(tmp_path / "wide.xlsx", sheets)

    def declare_everything(content):
        start = content.index(b"<dimension ref=")
        end = content.index(b"/>", start) + 2
        return content[:start] + b'<dimension ref="A1:XFD1048576" />' + content[end:]

    for name in sheets:
        rewrite(path, sheet_part(sheets, name), declare_everything)
    widths = []
    original = reader._read_sheet

    def measured(sheet, rows, *args, **kwargs):
        def measuring():
            for cells in rows:
                widths.append(len(cells))
                yield cells

        return original(sheet, measuring(), *args, **kwargs)

    monkeypatch.setattr(reader, "_read_sheet", measured)

    assert messages(path) == []
    widest = max(len(sheet.columns) for sheet in SHEETS) + len(DRAFT_COLUMNS) + EXTRA_COLUMNS
    assert widths and max(widths) <= widest < 100


def test_a_cell_of_megabytes_shared_by_many_cells_gives_a_short_page(
    importer_client, tmp_path, media_root
):
    huge = "x" * 3_000_000
    sheets = valid_sheets()
    for row in (2, 3):
        set_cell(sheets, "Values", row, "amount", huge)
        set_cell(sheets, "Values", row, "financial_year", huge)
        set_cell(sheets, "Options", 2, "status", huge)
    set_cell(sheets, "Providers", 2, "name", huge)
    path = build_workbook(tmp_path / "swollen.xlsx", sheets)
    assert path.stat().st_size < 50_000

    page = importer_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("swollen.xlsx", path.read_bytes())}
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "was not imported" in text
    assert f"at most {MAX_CELL_CHARS:,} are allowed" in text
    assert len(page.content) < 200_000
    assert list((media_root / "imports").glob("*")) == []


def test_more_problems_than_a_page_lists_are_counted_not_shown(importer_client, tmp_path):
    sheets = valid_sheets()
    header = sheets["Values"][0]
    sheets["Values"] = [header] + [["VS-CORE", "2022/23", None, None, "lots", None]] * 1_500
    path = build_workbook(tmp_path / "many.xlsx", sheets)

    page = importer_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("many.xlsx", path.read_bytes())}
    )

    text = page.content.decode()
    assert "more not shown" in text
    assert text.count("is not an amount of money") == 200
    assert "reading stopped after 1,000 problems" in text or "more not shown" in text


def test_a_refused_upload_leaves_no_file_behind_even_when_checking_it_fails(
    importer_client, tmp_path, media_root, monkeypatch
):
    from contracts.workbook import views

    def broken(*args, **kwargs):
        raise RuntimeError("checking failed")

    monkeypatch.setattr(views, "import_workbook", broken)
    path = build_workbook(tmp_path / "ok.xlsx", valid_sheets())
    importer_client.raise_request_exception = False

    page = importer_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("ok.xlsx", path.read_bytes())}
    )

    assert page.status_code == 500
    assert list((media_root / "imports").glob("*")) == []


def test_an_abandoned_preview_is_deleted_when_its_editor_starts_again(
    importer_client, tmp_path, media_root
):
    path = build_workbook(tmp_path / "ok.xlsx", valid_sheets())
    importer_client.post(IMPORT_URL, {"workbook": SimpleUploadedFile("ok.xlsx", path.read_bytes())})
    assert len(list((media_root / "imports").glob("*.xlsx"))) == 1

    importer_client.get(IMPORT_URL)  # "Cancel" on the preview leads here

    assert list((media_root / "imports").glob("*.xlsx")) == []


def test_the_daily_run_deletes_uploads_older_than_a_day(media_root):
    folder = media_root / "imports"
    folder.mkdir(parents=True)
    old, fresh = folder / "old.xlsx", folder / "fresh.xlsx"
    for path in (old, fresh):
        path.write_bytes(b"PK")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    out = io.StringIO()
    call_command("daily", stdout=out)

    assert not old.exists()
    assert fresh.exists()
    assert "Removed 1 stale upload." in out.getvalue()


def test_only_editors_with_the_import_permission_may_import(tmp_path):
    """The README names contracts.import_register; add and change rights alone are not it."""
    user = User.objects.create_user("changer", password="not-used", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_contract", "add_contract", "change_contract"])
    )
    client = Client()
    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403
    assert b"Import from a workbook" not in client.get("/admin/contracts/contract/").content


def test_the_import_permission_alone_opens_the_import(importer_client):
    page = importer_client.get(IMPORT_URL)

    assert page.status_code == 200
    assert b"Import from a workbook" in importer_client.get("/admin/contracts/contract/").content


# calamine (the fast reader) builds a sheet's dense rectangle and sizes its shared strings
# from the file: a workbook the zip scan cannot vouch for is read by openpyxl, as before.


def with_cells(cells):
    def transform(content):
        return content.replace(b"</sheetData>", cells + b"</sheetData>")

    return transform


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (b'<row r="100000"><c r="XFD100000"><v>1</v></c></row>', []),
        (
            b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            ["Providers: the sheet has more than 100,000 rows; split the workbook."],
        ),
    ],
    ids=["XFD100000", "XFD1048576"],
)
def test_a_sheet_whose_few_cells_span_the_grid_is_not_given_to_calamine(
    tmp_path, monkeypatch, cells, expected
):
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "sparse.xlsx", sheets)
    rewrite(path, sheet_part(sheets, "Providers"), with_cells(cells))
    asked = calamine_asked(monkeypatch)

    assert messages(path) == expected
    assert asked == []


@pytest.mark.parametrize(
    "cells",
    [
        b"<row>" + b"<c><v>1</v></c>" * 20_000 + b"</row>",
        b'<row r="9"><c r="&#65;9"><v>1</v></c></row>',
        b'<row r="9"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<v>1</v></x:c></row>",
    ],
    ids=["no positions", "a position as a character reference", "a prefixed cell"],
)
def test_cells_that_do_not_name_their_position_plainly_are_not_given_to_calamine(
    tmp_path, monkeypatch, cells
):
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "unplaced.xlsx", sheets)
    rewrite(path, sheet_part(sheets, "Providers"), with_cells(cells))
    asked = calamine_asked(monkeypatch)

    found = messages(path)

    assert asked == []
    assert all(len(message) <= MAX_MESSAGE_CHARS for message in found)


def test_more_shared_strings_declared_than_there_are_is_not_given_to_calamine(
    tmp_path, monkeypatch
):
    from ..contracts.test_workbook_reader import build_workbook_with_shared_strings

    path = build_workbook_with_shared_strings(tmp_path / "strings.xlsx", valid_sheets())
    rewrite(
        path,
        "xl/sharedStrings.xml",
        lambda content: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="4000000000"', content),
    )
    asked = calamine_asked(monkeypatch)

    assert messages(path) == []
    assert asked == []


def zipped(parts):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return stream.getvalue()


NOT_XLSX = {
    "plain text": b"reference,title\nVS-CORE,Victims\n",
    "old .xls or password-protected": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
    ".ods": zipped(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b'<?xml version="1.0"?><office:document-content '
            b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest/>',
        }
    ),
    ".xlsb": zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "xl/workbook.bin": bytes(64),
        }
    ),
}


@pytest.mark.parametrize("content", NOT_XLSX.values(), ids=NOT_XLSX.keys())
def test_a_file_that_is_no_xlsx_gets_a_message_not_an_error_page(
    importer_client, tmp_path, content
):
    path = tmp_path / "given.xlsx"
    path.write_bytes(content)

    assert messages(path) == [NOT_A_WORKBOOK]
    page = importer_client.post(IMPORT_URL, {"workbook": SimpleUploadedFile("given.xlsx", content)})
    assert page.status_code == 200
    assert "The file was not read" in page.content.decode()  # the upload page sniffs it first


def test_a_cut_off_workbook_gets_a_message(tmp_path):
    path = build_workbook(tmp_path / "cut.xlsx", valid_sheets())
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    assert messages(path) == [NOT_A_WORKBOOK]


def test_a_part_longer_than_it_declares_is_refused_by_both_readers(tmp_path, monkeypatch):
    """A zip header may understate a part: zipfile stops at the stated size, calamine refuses."""
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "understated.xlsx", sheets)
    part = sheet_part(sheets, "Providers")
    rewrite(path, part, lambda content: content + b"<!--" + b"x" * 5_000_000 + b"-->")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    raw = bytearray(path.read_bytes())
    stated = info.file_size - 5_000_000
    struct.pack_into("<I", raw, info.header_offset + 22, stated)
    central = 0
    while (central := raw.find(b"PK\x01\x02", central)) != -1:
        length = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + length] == part.encode():
            struct.pack_into("<I", raw, central + 24, stated)
        central += 4
    path.write_bytes(bytes(raw))
    asked = calamine_asked(monkeypatch)

    found = messages(path)

    assert found
    assert any("damaged" in message or "not an Excel workbook" in message for message in found)
    assert len(asked) <= 1


def encrypted_inside_the_zip(path):
    """Mark every part encrypted, as zip -e or 7-Zip's password does (the general flag's bit 0)."""
    raw = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := raw.find(signature, start)) != -1:
            flags = struct.unpack_from("<H", raw, start + flag_at)[0]
            struct.pack_into("<H", raw, start + flag_at, flags | 1)
            start += 4
    path.write_bytes(bytes(raw))
    return path


def test_a_workbook_encrypted_inside_its_zip_gets_a_message_not_an_error_page(
    importer_client, tmp_path
):
    path = encrypted_inside_the_zip(build_workbook(tmp_path / "locked.xlsx", valid_sheets()))

    assert messages(path) == [NOT_A_WORKBOOK]
    page = importer_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("locked.xlsx", path.read_bytes())}
    )
    assert page.status_code == 200
    assert "locked.xlsx is password-protected" in page.content.decode()


def test_the_scan_tallies_a_workbook_in_small_chunks_as_in_one(tmp_path, monkeypatch):
    from contracts.workbook import reader

    monkeypatch.setattr(reader, "SCAN_CHUNK_BYTES", 64)
    path = build_workbook(tmp_path / "plain.xlsx", valid_sheets())
    asked = calamine_asked(monkeypatch)

    assert messages(path) == []
    assert len(asked) == 1


def test_a_far_cell_behind_a_long_attribute_is_not_given_to_calamine(tmp_path, monkeypatch):
    """With no ">" to cut at, the scan would have to cut inside a tag: it vouches for nothing."""
    from contracts.workbook import reader

    monkeypatch.setattr(reader, "SCAN_CHUNK_BYTES", 64)
    sheets = valid_sheets()
    path = build_workbook(tmp_path / "hidden.xlsx", sheets)
    padding = b"A" * 1000
    rewrite(
        path,
        sheet_part(sheets, "Providers"),
        with_cells(b'<row r="9"><c x="' + padding + b'" r="XFD100000"><v>1</v></c></row>'),
    )
    asked = calamine_asked(monkeypatch)

    found = messages(path)

    assert asked == []
    assert all(len(message) <= MAX_MESSAGE_CHARS for message in found)


def test_a_cell_pointing_past_the_shared_strings_gets_a_message(tmp_path):
    from ..contracts.test_workbook_reader import build_workbook_with_shared_strings

    path = build_workbook_with_shared_strings(tmp_path / "strings.xlsx", valid_sheets())
    rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda content: re.sub(rb'(<c r="A2" [^>]*t="s"[^>]*><v>)\d+', rb"\g<1>99999", content),
    )

    assert messages(path)[0] == (
        "Providers: the sheet is damaged and could not be read: open the workbook in your "
        "spreadsheet program, save it again as .xlsx and upload that."
    )
