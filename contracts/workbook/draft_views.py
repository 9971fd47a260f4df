"""The admin's draft pages: an office's own spreadsheet, CSV or Word table → a draft to check.

Upload (the import page) → the draft, with every row it was unsure of, the
headings it read and did not, and a form to correct how each heading is read
(remembered for the next upload from this office) → download the draft to
check in a spreadsheet program, or, when nothing is marked for checking,
import it at once through the usual preview and confirmation. Nothing is
written to the register before the person confirms.

The uploaded source and its draft wait under MEDIA_ROOT/imports/ with a random
name only the uploader's session knows, like an uploaded workbook.
"""

import secrets

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect

from commissioning.fy import FinancialYear
from contracts.models import HeadingMapping

from . import import_workbook
from .make_draft import make_draft
from .office_layout import FIELDS, IGNORE, heading_key
from .source_files import SourceFileError

DRAFT_SESSION_KEY = "workbook_draft"
# Rows of the draft shown on the page; the download holds them all.
MAX_ROWS_SHOWN = 200


def draft_paths(folder, token, extension):
    return folder / f"{token}{extension}", folder / f"{token}-draft.xlsx"


class HeadingsForm(forms.Form):
    """How each heading of the office's sheet is read, one choice per heading."""

    def __init__(self, *args, headings=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(IGNORE, "Not read")] + [(item.name, item.label.capitalize()) for item in FIELDS]
        for index, (heading, field_name) in enumerate(headings):
            self.fields[f"heading_{index}"] = forms.ChoiceField(
                label=heading, choices=choices, initial=field_name, required=False
            )
        self.headings = [heading for heading, _ in headings]

    def chosen(self):
        return {
            heading_key(heading): self.cleaned_data.get(f"heading_{index}", IGNORE) or IGNORE
            for index, heading in enumerate(self.headings)
        }


def show_draft(view, request, source, name, token, extension, as_of=None):
    """Draft the uploaded ``source`` and show it; a refused file gets its message."""
    folder = source.parent
    draft_path = draft_paths(folder, token, extension)[1]
    try:
        draft = make_draft(source, name=name, remembered=HeadingMapping.remembered(), as_of=as_of)
    except SourceFileError as error:
        source.unlink(missing_ok=True)
        draft_path.unlink(missing_ok=True)
        return view.render_upload(request, refused=f"{name}: {error} Nothing was written.")
    draft.write(draft_path)
    request.session[DRAFT_SESSION_KEY] = {
        "token": token,
        "name": name,
        "extension": extension,
        "flagged": draft.flagged(),
        "as_of": as_of.start_year if as_of else None,
    }
    contracts = draft.contracts
    return view.render(
        request,
        "admin/contracts/import_draft.html",
        title=f"Draft register from {name}",
        file_name=name,
        draft=draft,
        token=token,
        contracts=contracts[:MAX_ROWS_SHOWN],
        more=max(len(contracts) - MAX_ROWS_SHOWN, 0),
        counts=[(sheet, len(rows)) for sheet, rows in draft.rows.items() if rows],
        flagged_rows=[
            (sheet, number, row)
            for sheet, rows in draft.rows.items()
            for number, row in enumerate(rows, start=2)
            if row.checks
        ][:MAX_ROWS_SHOWN],
        headings_form=(
            HeadingsForm(headings=list(draft.heading_fields.items()))
            if draft.heading_fields
            else None
        ),
        office=settings.OPCC_NAME,
    )


def abandon_pending_draft(request, folder):
    """Delete the source and draft this session uploaded and never imported, if any."""
    pending = request.session.pop(DRAFT_SESSION_KEY, None) or {}
    token = str(pending.get("token", ""))
    extension = str(pending.get("extension", ""))
    if token.isalnum() and extension in (".xlsx", ".csv", ".docx"):
        for path in draft_paths(folder, token, extension):
            path.unlink(missing_ok=True)


def pending_draft(request, token):
    pending = request.session.get(DRAFT_SESSION_KEY) or {}
    if not token or token != pending.get("token"):
        return None
    return pending


def expired(request):
    messages.error(request, "That draft has expired: upload the file again.")
    return redirect("admin:contracts_contract_import")


def draft_download(view, request, token, folder):
    pending = pending_draft(request, token)
    path = draft_paths(folder, token, "")[1]
    if pending is None or not path.is_file():
        raise Http404("No such draft")
    stem = pending["name"].rsplit(".", 1)[0]
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{stem} - draft register.xlsx"
    )


def draft_headings(view, request, folder):
    """Store the person's corrections to the headings, and draft the same upload again."""
    token = request.POST.get("token", "")
    pending = pending_draft(request, token)
    if pending is None:
        return expired(request)
    source = draft_paths(folder, token, pending["extension"])[0]
    if not source.is_file():
        return expired(request)
    headings = [
        request.POST.get(f"heading_label_{index}", "")
        for index in range(len([key for key in request.POST if key.startswith("heading_label_")]))
    ]
    form = HeadingsForm(request.POST, headings=[(heading, IGNORE) for heading in headings])
    if form.is_valid():
        HeadingMapping.remember(settings.OPCC_NAME, form.chosen())
        messages.success(
            request,
            f"How the headings are read is saved for the next upload from {settings.OPCC_NAME}.",
        )
    as_of = FinancialYear(pending["as_of"]) if pending.get("as_of") else None
    return show_draft(
        view, request, source, pending["name"], token, pending["extension"], as_of=as_of
    )


def draft_import(view, request, folder, preview):
    """Import a draft with nothing marked for checking: the usual preview, then confirm."""
    token = request.POST.get("token", "")
    pending = pending_draft(request, token)
    draft_path = draft_paths(folder, token, "")[1]
    if pending is None or not draft_path.is_file():
        return expired(request)
    if pending.get("flagged"):
        messages.error(
            request,
            "Rows of this draft are marked for checking: download it, check them, and upload "
            "the checked workbook.",
        )
        return redirect("admin:contracts_contract_import")
    new_token = secrets.token_hex(16)
    workbook = folder / f"{new_token}.xlsx"
    draft_path.rename(workbook)
    draft_paths(folder, token, pending["extension"])[0].unlink(missing_ok=True)
    del request.session[DRAFT_SESSION_KEY]
    return preview(
        request, workbook, pending["name"], new_token, import_workbook(workbook, dry_run=True)
    )
