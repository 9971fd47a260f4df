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
        ("register.csv", b"reference,title\n", "The file must be an Excel workbook (.xlsx)"),
        ("register.xlsx", b"", "The file you chose is empty"),
        ("register.xlsx", b"not a zip at all", "This file is not an Excel workbook (.xlsx)."),
    ],
    ids=["csv", "empty", "garbage"],
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
