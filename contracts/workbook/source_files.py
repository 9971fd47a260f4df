"""What kind of file an office gave us, refused early and in plain words when it is not one we read.

``inspect_source(path)`` looks at the bytes, not the name: an .xlsx, .docx or
CSV is accepted; an old binary .xls/.doc or a password-protected Office file
(both OLE compound files), a macro workbook (.xlsm), anything else, and a zip
that would expand far beyond its size (a zip bomb) are refused before any
parser opens them, so a hostile file costs a few reads of its directory.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path

# Limits far above a real register (Cumbria's Word table is 40 kB unzipped
# to 200 kB) and far below what would hurt a web worker.
MAX_SOURCE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 5_000
# python-docx parses a document's text part whole (a spreadsheet is streamed), so it is
# held to far less: Cumbria's is 0.2 MB.
MAX_DOCUMENT_XML_BYTES = 25 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class SourceFileError(ValueError):
    """A file we will not read; the message says why and what to do instead."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str  # "xlsx", "docx" or "csv"


def inspect_source(path, name=None):
    """The kind of the file at ``path`` (``name`` is the name the person gave it), or
    SourceFileError with a message for them."""
    path = Path(path)
    name = str(name or path.name)
    size = path.stat().st_size
    if size == 0:
        raise SourceFileError(f"{name} is empty.")
    if size > MAX_SOURCE_BYTES:
        raise SourceFileError(
            f"{name} is {size / 1024 / 1024:.1f} MB; a register is far smaller, so this is "
            f"not one (the limit is {MAX_SOURCE_BYTES // 1024 // 1024} MB)."
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise SourceFileError(
            f"{name} is password-protected, or an old Excel (.xls) or Word (.doc) file. "
            "Remove the password and save it as an Excel Workbook (.xlsx), a Word Document "
            "(.docx) or CSV, then try again."
        )
    if head.startswith(ZIP_MAGIC):
        return SourceFile(path, _office_kind(path, name))
    if name.lower().endswith((".csv", ".txt")) and _looks_like_text(path):
        return SourceFile(path, "csv")
    raise SourceFileError(
        f"{name} is not a spreadsheet or Word document this can read: give an Excel "
        "Workbook (.xlsx), a CSV file or a Word Document (.docx)."
    )


def encrypted(entries):
    """Whether any of a zip's ``entries`` is encrypted inside the zip (zip -e, 7-Zip's
    password): zipfile cannot read such a part without the password (RuntimeError)."""
    return any(entry.flag_bits & 0x1 for entry in entries)


def _office_kind(path, name):
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise SourceFileError(f"{name} holds too many parts to be a real document.")
            if encrypted(entries):
                raise SourceFileError(
                    f"{name} is password-protected. Remove the password and save it as an "
                    "Excel Workbook (.xlsx) or Word Document (.docx), then try again."
                )
            unzipped = sum(entry.file_size for entry in entries)
            packed = max(sum(entry.compress_size for entry in entries), 1)
            if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_COMPRESSION_RATIO:
                raise SourceFileError(
                    f"{name} would expand to {unzipped / 1024 / 1024:,.0f} MB when opened, far "
                    "more than any register: it was not read."
                )
            names = {entry.filename for entry in entries}
            document = next((e for e in entries if e.filename == "word/document.xml"), None)
            if document is not None and document.file_size > MAX_DOCUMENT_XML_BYTES:
                raise SourceFileError(
                    f"{name}'s text is {document.file_size / 1024 / 1024:,.0f} MB when opened, "
                    "far more than any register's table: it was not read."
                )
            content_types = ""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as handle:
                    content_types = handle.read(256 * 1024).decode("utf-8", "replace")
    except zipfile.BadZipFile:
        raise SourceFileError(f"{name} is damaged: it could not be opened.") from None
    if any(item.endswith("vbaProject.bin") for item in names) or "macroEnabled" in content_types:
        raise SourceFileError(
            f"{name} contains macros (an .xlsm or .docm file). Save it as an Excel Workbook "
            "(.xlsx) or Word Document (.docx), without macros, and try again."
        )
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise SourceFileError(
        f"{name} is a zip file, not an Excel Workbook (.xlsx) or Word Document (.docx)."
    )


def _looks_like_text(path):
    with path.open("rb") as handle:
        sample = handle.read(64 * 1024)
    return b"\x00" not in sample
