"""The admin's workbook import: upload → every error, or a preview of the changes → confirm.

Between preview and confirm the uploaded file waits under MEDIA_ROOT/imports/
with a random name that only the uploader's session knows. Confirming checks
the file again from scratch (the register may have changed meanwhile) and never
trusts anything the browser sends back but that name.
"""

import io
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.views import View
from openpyxl import load_workbook

from commissioning.dataversion import data_version, locked_data_version
from commissioning.filters import FinancialYearField
from contracts.models import Contract

from . import draft_views, import_workbook, write_template
from .columns import SHEETS_BY_KEY, sheet_key
from .source_files import SourceFileError, inspect_source

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Errors listed on the page; a workbook with more has a wider problem than a list can show.
MAX_ERRORS_SHOWN = 200
# The permission the README names for importing (the editor role has it).
IMPORT_PERMISSION = "contracts.import_register"
# Uploads never confirmed are removed once they are this old.
STALE_UPLOAD_SECONDS = 24 * 60 * 60
SESSION_KEY = "workbook_import"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_folder():
    return Path(settings.MEDIA_ROOT) / "imports"


UPLOAD_EXTENSIONS = (".xlsx", ".csv", ".docx")


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label="Workbook, spreadsheet or Word table",
        help_text="An Excel workbook (.xlsx) in the register format, or your own register: a "
        "one-sheet spreadsheet (.xlsx), a CSV file or a Word table (.docx); up to 10 MB.",
        error_messages={
            "required": "Choose a workbook to upload",
            "empty": "The file you chose is empty",
        },
    )

    written_in = FinancialYearField(
        label="Financial year your table was written (Word tables; optional)",
        required=False,
        help_text="For example 2023/24. A value given per annum with only an end date is "
        "placed in each year from this one to its end; this year when left blank.",
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(
                "The file must be an Excel workbook (.xlsx), a CSV file (.csv) or a Word "
                "document (.docx): save it as one of those and upload that"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; it must be 10 MB or smaller"
            )
        return upload


class WorkbookImportView(View):
    """Base for the import pages: staff who may import the register, inside the admin."""

    model_admin = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, template, **context):
        report = context.get("report")
        if report is not None:
            context["errors_not_shown"] = max(len(report.errors) - MAX_ERRORS_SHOWN, 0)
        return TemplateResponse(
            request,
            template,
            {
                **self.model_admin.admin_site.each_context(request),
                "opts": Contract._meta,
                "max_errors_shown": MAX_ERRORS_SHOWN,
                "xlsx_type": XLSX_TYPE,
                **context,
            },
        )

    def render_upload(self, request, **context):
        return self.render(
            request,
            "admin/contracts/import_upload.html",
            form=WorkbookUploadForm(),
            title="Import a workbook",
            **context,
        )

    def preview(self, request, stored, name, token, report, seen_version=None):
        """The changes the workbook would make, remembered with the register's version
        (``seen_version``: read before the check that made ``report``)."""
        if report.errors:
            stored.unlink(missing_ok=True)
            return self.render_upload(request, report=report, file_name=name)
        # Confirming applies exactly this preview: if anything in the register changes
        # before then (another import, an edit), the confirmation is refused.
        request.session[SESSION_KEY] = {
            "token": token,
            "name": name,
            "register_version": data_version() if seen_version is None else seen_version,
        }
        return self.render(
            request,
            "admin/contracts/import_preview.html",
            report=report,
            token=token,
            file_name=name,
            title=f"Check the changes from {name}",
        )


class UploadView(WorkbookImportView):
    template = "admin/contracts/import_upload.html"

    def get(self, request):
        # Back on the upload page (Cancel, or a new start): the preview is abandoned.
        abandon_pending_upload(request)
        return self.render(
            request, self.template, form=WorkbookUploadForm(), title="Import a workbook"
        )

    def post(self, request):
        abandon_pending_upload(request)
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, self.template, form=form, title="Import a workbook")
        upload = form.cleaned_data["workbook"]
        remove_stale_uploads()
        token = secrets.token_hex(16)
        extension = "." + upload.name.rsplit(".", 1)[-1].lower()
        stored = upload_folder() / f"{token}{extension}"
        stored.parent.mkdir(parents=True, exist_ok=True)
        kept = False
        try:
            with stored.open("wb") as destination:
                for chunk in upload.chunks():
                    destination.write(chunk)
            try:
                inspect_source(stored, upload.name)
            except SourceFileError as error:
                return self.render_upload(request, refused=f"{error} Nothing was written.")
            if not is_register_workbook(stored, upload.name):
                # The office's own layout (or a Word table): a draft to check first. The
                # draft pages keep the upload, or delete it when they refuse it.
                kept = True
                return draft_views.show_draft(
                    self,
                    request,
                    stored,
                    upload.name,
                    token,
                    extension,
                    as_of=form.cleaned_data.get("written_in"),
                )
            seen_version = data_version()
            report = import_workbook(stored, dry_run=True)
            kept = not report.errors
        finally:
            # A refused upload (or one whose checking failed) is never left behind.
            if not kept:
                stored.unlink(missing_ok=True)
        return self.preview(request, stored, upload.name, token, report, seen_version)


class DraftDownloadView(UploadView):
    http_method_names = ["get"]

    def get(self, request, token):
        return draft_views.draft_download(self, request, token, upload_folder())


class DraftHeadingsView(UploadView):
    http_method_names = ["post"]

    def post(self, request):
        return draft_views.draft_headings(self, request, upload_folder())


class DraftImportView(UploadView):
    http_method_names = ["post"]

    def post(self, request):
        return draft_views.draft_import(self, request, upload_folder(), self.preview)


def is_register_workbook(path, name):
    """Whether an uploaded .xlsx is in the register format (has one of its sheets)."""
    if not name.lower().endswith(".xlsx"):
        return False
    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:  # not a workbook at all: the importer says so in its own words
        return True
    try:
        return any(sheet_key(title) in SHEETS_BY_KEY for title in workbook.sheetnames)
    finally:
        workbook.close()


class ConfirmView(WorkbookImportView):
    http_method_names = ["post"]

    def post(self, request):
        pending = request.session.get(SESSION_KEY) or {}
        token = request.POST.get("token", "")
        stored = upload_folder() / f"{token}.xlsx"
        if not token or token != pending.get("token") or not stored.is_file():
            messages.error(
                request,
                "That upload has expired or was already imported: upload the workbook again.",
            )
            return redirect("admin:contracts_contract_import")
        # Locked until this request's transaction ends: two confirmations queue here,
        # and the second sees the version the first one's import moved.
        now = locked_data_version()
        if now != pending.get("register_version"):
            messages.warning(
                request,
                "The register has changed since you checked this workbook (someone saved an "
                "edit or another import), so nothing was imported. Below is what importing it "
                "would change now: check it and import again.",
            )
            report = import_workbook(stored, dry_run=True)
            return self.preview(request, stored, pending.get("name", ""), token, report, now)
        del request.session[SESSION_KEY]
        try:
            report = import_workbook(stored, user=request.user)
        finally:
            stored.unlink(missing_ok=True)
        if report.errors:
            return self.render(
                request,
                "admin/contracts/import_upload.html",
                form=WorkbookUploadForm(),
                report=report,
                file_name=pending.get("name", ""),
                title="Import a workbook",
            )
        changed = [
            f"{sheet}: {changes.changes_in_words()}"
            for sheet, changes in report.changes.items()
            if changes.has_changes
        ]
        messages.success(
            request,
            f"Imported {pending.get('name', 'the workbook')}. "
            + ("; ".join(changed) if changed else "Nothing needed changing."),
        )
        return redirect("admin:contracts_contract_changelist")


class TemplateView(WorkbookImportView):
    http_method_names = ["get"]

    def get(self, request):
        content = io.BytesIO()
        write_template(content)
        response = HttpResponse(content.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="register-template.xlsx"'
        return response


def abandon_pending_upload(request):
    """Delete the upload this session previewed and never confirmed, if any."""
    pending = request.session.pop(SESSION_KEY, None) or {}
    token = str(pending.get("token", ""))
    if token.isalnum():
        (upload_folder() / f"{token}.xlsx").unlink(missing_ok=True)
    draft_views.abandon_pending_draft(request, upload_folder())


def remove_stale_uploads(older_than=STALE_UPLOAD_SECONDS):
    """Delete uploads never confirmed nor abandoned explicitly; return how many went."""
    folder = upload_folder()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for stored in folder.iterdir():
        try:
            if stored.is_file() and stored.stat().st_mtime < cutoff:
                stored.unlink()
                removed += 1
        except FileNotFoundError:  # another process removed it first
            continue
    return removed


def import_urls(model_admin):
    """The import pages, for ``ContractAdmin.get_urls``."""
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "import/",
            wrap(UploadView.as_view(model_admin=model_admin)),
            name="contracts_contract_import",
        ),
        path(
            "import/confirm/",
            wrap(ConfirmView.as_view(model_admin=model_admin)),
            name="contracts_contract_import_confirm",
        ),
        path(
            "import/draft/<str:token>.xlsx",
            wrap(DraftDownloadView.as_view(model_admin=model_admin)),
            name="contracts_contract_import_draft",
        ),
        path(
            "import/draft/headings/",
            wrap(DraftHeadingsView.as_view(model_admin=model_admin)),
            name="contracts_contract_import_draft_headings",
        ),
        path(
            "import/draft/import/",
            wrap(DraftImportView.as_view(model_admin=model_admin)),
            name="contracts_contract_import_draft_import",
        ),
        path(
            "import/template.xlsx",
            wrap(TemplateView.as_view(model_admin=model_admin)),
            name="contracts_contract_import_template",
        ),
    ]
