"""A printed document as an object, and where finished ones are kept.

Each PDF the register prints is a small ``Document`` subclass
(``contracts.documents.ScheduleDocument`` and ``ContractSummary``,
``reports.documents.ExpiryReport``) that owns its parameters, its key, its
context and its template. A view asks it for a ``response()``; the task worker
asks it to ``store()`` itself. Either way it calls the renderer
(``commissioning.pdf.render_pdf``) once.

Finished PDFs are kept through Django's storage API, in the storage named
``"pdfs"`` in ``STORAGES`` (a folder, ``PDF_CACHE_DIR``, by default; S3-compatible
object storage when the web and worker processes run on different machines),
under a key made of the document's kind, its normalised parameters, the
office, the marking and the register's data version: an unchanged document is
served again without rendering, and any edit makes a new key.
"""

import datetime
import hashlib
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from commissioning.dataversion import register_version
from commissioning.pdf import render_pdf

KEY_PATTERN = re.compile(r"^[a-z]+-[0-9a-f]{40}$")

# Any edit makes new keys, so old files are never served again once the data
# has moved on; a week covers a schedule left waiting in a browser tab.
STORED_PDF_MAX_AGE = datetime.timedelta(days=7)


class Document:
    """One printed document: what it is about, where it is kept, what it prints.

    Subclasses set ``kind`` (the key's prefix) and ``template_name``, and give
    ``parameters`` (one string per distinct document), ``title``,
    ``filename`` and ``context()``.
    """

    kind = ""
    template_name = ""
    parameters = ""
    title = ""
    filename = "document.pdf"

    def context(self):
        raise NotImplementedError

    @cached_property
    def key(self):
        return document_key(self.kind, self.parameters, register_version())

    def is_stored(self):
        return pdf_is_stored(self.key)

    def render(self):
        """The PDF's bytes: the one call to the renderer."""
        return render_pdf(self.template_name, self.context(), title=self.title)

    def store(self):
        """Render and keep the PDF under the document's key (the task worker's way in)."""
        store_pdf(self.key, self.render())
        return self.key

    def response(self):
        """The PDF as a download: the stored copy if there is one, else rendered now and kept."""
        if self.is_stored():
            return stored_pdf_response(self.key, self.filename)
        pdf = self.render()
        store_pdf(self.key, pdf)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


def document_key(kind, parameters, data_version):
    """``schedule-<hash>``: the same document, parameters, data, office and marking give the same key."""
    fingerprint = "|".join(
        [kind, parameters, str(data_version), settings.OPCC_NAME, settings.PROTECTIVE_MARKING]
    )
    return f"{kind}-{hashlib.sha256(fingerprint.encode()).hexdigest()[:40]}"


def dated_filename(stem):
    """``stem-2026-12-01.pdf``: the day it was asked for, so downloads on different days differ."""
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.pdf"


# The "pdfs" storage -----------------------------------------------------------


def pdf_storage():
    return storages["pdfs"]


def stored_name(key):
    """The stored file's name for a key; refuses anything that is not a key (it may come from a URL)."""
    if not KEY_PATTERN.match(key):
        raise ValueError(f"{key!r} is not a document key.")
    return f"{key}.pdf"


def pdf_is_stored(key):
    return pdf_storage().exists(stored_name(key))


def store_pdf(key, pdf):
    """Keep the PDF under ``key`` and clear out stored files older than a week."""
    storage = pdf_storage()
    storage.save(stored_name(key), ContentFile(pdf))
    remove_old_pdfs(storage)


def stored_pdf_response(key, filename):
    """A stored PDF as a download, streamed from the storage."""
    return FileResponse(
        pdf_storage().open(stored_name(key), "rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


def remove_old_pdfs(storage=None):
    """Delete stored files (PDFs and abandoned partial writes) older than the maximum age."""
    storage = storage or pdf_storage()
    oldest = timezone.now() - STORED_PDF_MAX_AGE
    try:
        _folders, names = storage.listdir("")
    except FileNotFoundError:  # nothing stored yet
        return
    for name in names:
        try:
            if storage.get_modified_time(name) < oldest:
                storage.delete(name)
        except FileNotFoundError:  # another process cleared it first
            continue


class PdfFileSystemStorage(FileSystemStorage):
    """The default "pdfs" storage: Django's FileSystemStorage, replacing a file whole.

    A PDF is written beside its final name and renamed into place, so a reader
    (the web process, while the worker writes a large schedule) never opens
    half a file, and the same key stored twice stays one file instead of
    gaining a random suffix.
    """

    def get_available_name(self, name, max_length=None):
        return name

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as part:
            for chunk in content.chunks():
                part.write(chunk)
        if self.file_permissions_mode is not None:
            os.chmod(part.name, self.file_permissions_mode)
        os.replace(part.name, path)
        return name


def bad_request(request, title, errors):
    """A GOV.UK page saying what was wrong with a document's link, with status 400."""
    return render(request, "pdf/bad_request.html", {"title": title, "errors": errors}, status=400)
