"""The admin import: upload → every error, or a preview → confirm → written, for staff with edit rights."""

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import Contract
from contracts.workbook import views

from .workbook_files import build_workbook, register_snapshot, set_cell, valid_sheets

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/contracts/contract/import/"
CONFIRM_URL = "/admin/contracts/contract/import/confirm/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def staff_user(*codenames):
    user = User.objects.create_user("officer", password="not-used-here", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="contracts", codename__in=codenames)
    )
    return user


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(
        staff_user("view_contract", "add_contract", "change_contract", "import_register")
    )
    return client


def upload(client, tmp_path, sheets=None, name="register.xlsx", content=None):
    if content is None:
        path = build_workbook(tmp_path / "upload.xlsx", sheets or valid_sheets())
        content = path.read_bytes()
    return client.post(IMPORT_URL, {"workbook": SimpleUploadedFile(name, content)})


def stored_uploads(media_root):
    folder = media_root / "imports"
    return sorted(folder.glob("*.xlsx")) if folder.exists() else []


def test_the_changelist_links_to_the_import_for_editors(editor_client):
    page = editor_client.get(reverse("admin:contracts_contract_changelist"))

    assert b"Import from a workbook" in page.content
    assert IMPORT_URL.encode() in page.content


def test_the_upload_page_offers_the_blank_template(editor_client):
    page = editor_client.get(IMPORT_URL)
    template = editor_client.get(reverse("admin:contracts_contract_import_template"))

    assert b"Download the blank template workbook (.xlsx)" in page.content
    assert template["Content-Disposition"] == 'attachment; filename="register-template.xlsx"'
    workbook = load_workbook(io.BytesIO(template.content), read_only=True)
    assert workbook.sheetnames[:3] == ["Notes", "Providers", "Commissioners"]


def test_upload_previews_then_confirm_writes_the_register(editor_client, tmp_path, media_root):
    preview = upload(editor_client, tmp_path)

    assert preview.status_code == 200
    assert Contract.objects.count() == 0  # nothing written before confirming
    rows = preview.context["report"].changes
    assert rows["Contracts"].created == ["VS-CORE", "VS-MALE"]
    assert b'<th scope="row">Contracts</th><td>2</td>' in preview.content
    assert b"Import these changes" in preview.content
    [stored] = stored_uploads(media_root)

    confirmed = editor_client.post(CONFIRM_URL, {"token": stored.stem}, follow=True)

    assert confirmed.redirect_chain[-1][0] == reverse("admin:contracts_contract_changelist")
    assert (
        "Imported register.xlsx. Providers: 2 created; Commissioners: 2 created;"
        in confirmed.content.decode()
    )
    assert sorted(Contract.objects.values_list("reference", flat=True)) == ["VS-CORE", "VS-MALE"]
    history = Contract.objects.get(reference="VS-CORE").history.get()
    assert history.history_user.username == "officer"
    assert stored_uploads(media_root) == []


def test_a_broken_workbook_lists_every_error_and_writes_nothing(
    editor_client, tmp_path, media_root
):
    sheets = set_cell(valid_sheets(), "Values", 2, "amount", "-500")
    set_cell(sheets, "Outcomes", 2, "kind", "Anecdote")
    before = register_snapshot()

    page = upload(editor_client, tmp_path, sheets)

    text = page.content.decode()
    assert page.status_code == 200
    assert "2 problems must be fixed first. Nothing has been written to the register." in text
    assert "“-500” is negative; amounts must be £0 or more." in text
    assert "“Anecdote” is not a kind this register knows" in text
    assert register_snapshot() == before
    assert stored_uploads(media_root) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.pdf", b"%PDF-1.7\n", "The file must be an Excel workbook (.xlsx), a CSV file"),
        ("register.xlsx", b"", "The file you chose is empty"),
        (
            "register.xlsx",
            b"not a zip at all",
            "register.xlsx is not a spreadsheet or Word document",
        ),
    ],
    ids=["pdf", "empty", "garbage"],
)
def test_a_file_that_is_not_a_workbook_gets_a_clear_error(
    editor_client, tmp_path, name, content, message
):
    page = upload(editor_client, tmp_path, name=name, content=content)

    assert page.status_code == 200
    assert message in page.content.decode()
    assert Contract.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(editor_client, tmp_path, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 1000)

    page = upload(editor_client, tmp_path)

    assert "it must be 10 MB or smaller" in page.content.decode()
    assert Contract.objects.count() == 0


def test_confirm_refuses_an_upload_that_is_not_this_sessions(editor_client, tmp_path, media_root):
    upload(editor_client, tmp_path)
    other = Client()
    other.force_login(User.objects.get(username="officer"))

    forged = other.post(CONFIRM_URL, {"token": stored_uploads(media_root)[0].stem}, follow=True)
    guessed = editor_client.post(CONFIRM_URL, {"token": "../../etc/passwd"}, follow=True)

    for page in (forged, guessed):
        assert "That upload has expired or was already imported" in page.content.decode()
    assert Contract.objects.count() == 0


def test_confirm_checks_the_workbook_again_against_the_register_as_it_is_now(
    editor_client, tmp_path, media_root
):
    upload(editor_client, tmp_path)
    [stored] = stored_uploads(media_root)
    # Someone else's change between preview and confirm makes the workbook invalid.
    sheets = set_cell(valid_sheets(), "Values", 2, "amount", "lots")
    build_workbook(stored, sheets)

    page = editor_client.post(CONFIRM_URL, {"token": stored.stem})

    assert "“lots” is not an amount of money" in page.content.decode()
    assert Contract.objects.count() == 0


def test_staff_without_edit_rights_cannot_import(tmp_path):
    client = Client()
    client.force_login(staff_user("view_contract"))

    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, tmp_path).status_code == 403
    assert (
        b"Import from a workbook"
        not in client.get(reverse("admin:contracts_contract_changelist")).content
    )


def test_the_upload_is_protected_against_cross_site_requests(tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(
        staff_user("view_contract", "add_contract", "change_contract", "import_register")
    )

    assert upload(client, tmp_path).status_code == 403
    assert Contract.objects.count() == 0


def test_the_preview_lists_every_value_read_other_than_as_written(editor_client, tmp_path):
    sheets = set_cell(valid_sheets(), "Commissioners", 3, "kind", "local authority")
    sheets = set_cell(sheets, "Values", 2, "amount", "£2.2m")

    preview = upload(editor_client, tmp_path, sheets)

    assert preview.status_code == 200
    assert Contract.objects.count() == 0  # nothing written before confirming
    page = preview.content.decode()
    assert "Read other than as written" in page
    assert "<li>Commissioners row 3, kind: read “local authority” as Local authority</li>" in page
    assert "<li>Values row 2, amount: read “£2.2m” as £2,200,000</li>" in page


TRANSPARENCY_CSV = (
    "Reference Number,Title of Agreement,Department,Supplier Name,Start Date,End Date,"
    "Annual Value,Cost code\n"
    "NS-1,Victims' hub,Victims,Safe Haven,2023-04-01,2025-03-31,50000,A1\n"
)


def test_an_office_csv_is_drafted_and_nothing_is_written(editor_client, media_root):
    page = editor_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("ours.csv", TRANSPARENCY_CSV.encode())}
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "is not in the register format, so it was read as your own register" in html
    assert "Nothing has been written to the register." in html
    assert "<li>Cost code</li>" in html  # reported as not recognised
    assert "The reader was sure of every row." in html
    assert Contract.objects.count() == 0
    token = page.context["token"]
    download = editor_client.get(reverse("admin:contracts_contract_import_draft", args=[token]))
    assert download["Content-Disposition"] == ('attachment; filename="ours - draft register.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert "Contracts" in workbook.sheetnames

    preview = editor_client.post(
        reverse("admin:contracts_contract_import_draft_import"), {"token": token}
    )

    assert "Import these changes" in preview.content.decode()
    assert Contract.objects.count() == 0  # still nothing before confirming
    stored = preview.context["token"]
    editor_client.post(CONFIRM_URL, {"token": stored})
    contract = Contract.objects.get(reference="NS-1")
    assert contract.value_in(2024) == 50000


def test_a_draft_with_rows_to_check_cannot_be_imported_at_once(editor_client):
    csv = "Title of Agreement,Supplier Name,End Date\nVictims' hub,Safe Haven,March 2025\n"
    page = editor_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("ours.csv", csv.encode())}
    )

    html = page.content.decode()
    assert "1 row to check" in html
    assert "no reference: one was made from the title" in html
    assert "Import the draft" not in html
    refused = editor_client.post(
        reverse("admin:contracts_contract_import_draft_import"),
        {"token": page.context["token"]},
        follow=True,
    )
    assert "Rows of this draft are marked for checking" in refused.content.decode()
    assert Contract.objects.count() == 0


def test_corrected_headings_are_remembered_for_the_next_upload(editor_client):
    csv = "Scheme,Provider,Ends\nRJ service,Remedi,31/03/2025\n"
    page = editor_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("ours.csv", csv.encode())}
    )
    headings = list(page.context["headings_form"].fields)
    assert [page.context["headings_form"].fields[name].label for name in headings] == [
        "Scheme",
        "Provider",
        "Ends",
    ]

    again = editor_client.post(
        reverse("admin:contracts_contract_import_draft_headings"),
        {
            "token": page.context["token"],
            "heading_label_0": "Scheme",
            "heading_0": "title",
            "heading_label_1": "Provider",
            "heading_1": "provider",
            "heading_label_2": "Ends",
            "heading_2": "end_date",
        },
    )

    [row] = again.context["contracts"]
    assert (row.values["title"], row.values["end_date"].isoformat()) == ("RJ service", "2025-03-31")
    later = editor_client.post(
        IMPORT_URL, {"workbook": SimpleUploadedFile("next.csv", csv.encode())}
    )
    [row] = later.context["contracts"]
    assert row.values["title"] == "RJ service"
    assert Contract.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password-protected"),
        ("notes.csv", b"Shopping list\nmilk\n", "No row of recognisable headings"),
        ("letter.docx", b"PK\x03\x04 not really a zip", "is damaged"),
    ],
)
def test_a_file_that_is_not_a_register_is_refused_and_removed(
    editor_client, media_root, name, content, message
):
    page = editor_client.post(IMPORT_URL, {"workbook": SimpleUploadedFile(name, content)})

    html = page.content.decode()
    assert "The file was not read" in html
    assert message in html
    assert "Nothing was written." in html
    folder = media_root / "imports"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_word_table_is_drafted_from_the_year_it_was_written(editor_client, tmp_path):
    from .word_tables import build_docx, cumbria_rows

    source = build_docx(tmp_path / "PFCC Commissioned Services.docx", cumbria_rows())
    page = editor_client.post(
        IMPORT_URL,
        {
            "workbook": SimpleUploadedFile(source.name, source.read_bytes()),
            "written_in": "2023/24",
        },
    )

    html = page.content.decode()
    assert "<li>Contracts: 23</li>" in html
    assert "<li>Values: 39</li>" in html
    assert "placed in each year from 2023/24 (the year the table was written)" in html
    assert "Import the draft" not in html  # rows are marked for checking
    assert Contract.objects.count() == 0
