import subprocess

import pytest


@pytest.fixture
def pdf_cache_dir(pdfs_stored_per_test):
    """The folder this test's PDFs are stored in."""
    return pdfs_stored_per_test


def response_bytes(response):
    """The body; reading a streamed response to its end also closes its file (the test
    client closes it then, without the request_finished handler that would close the
    test's database connection)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def poppler(tool, pdf, folder, *options):
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [tool, *options, str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture
def pdf_text(tmp_path):
    """The text of a PDF as ``pdftotext -layout`` reads it (pages separated by form feeds)."""
    return lambda pdf: poppler("pdftotext", pdf, tmp_path, "-layout")


@pytest.fixture
def pdf_phrases(tmp_path):
    """The PDF's text in reading order with whitespace collapsed, so a phrase that wraps
    inside a table cell still reads as one phrase."""
    return lambda pdf: " ".join(poppler("pdftotext", pdf, tmp_path).split())


class PdfInfo:
    """``pdfinfo``'s fields as a dict (Title, Author, CreationDate, Tagged, Pages …), and its XMP."""

    def __init__(self, folder):
        self.folder = folder

    def _run(self, pdf, *options):
        path = self.folder / "info.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdfinfo", *options, str(path)], capture_output=True, text=True, check=True
        ).stdout

    def __call__(self, pdf):
        return {
            name.strip(): value.strip()
            for name, _, value in (line.partition(":") for line in self._run(pdf).splitlines())
        }

    def meta(self, pdf):
        return self._run(pdf, "-meta")


@pytest.fixture
def pdf_info(tmp_path):
    return PdfInfo(tmp_path)
