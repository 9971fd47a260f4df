"""The PDF renderer: local files only, metadata, tagging and the protective marking."""

import os
import re
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from commissioning.documents import store_pdf
from commissioning.pdf import LocalStaticFetcher, RefusedURL, render_pdf

STATIC = Path(settings.BASE_DIR) / "static"


def test_the_fetcher_serves_a_stylesheet_from_the_static_folder():
    response = LocalStaticFetcher().fetch((STATIC / "pdf" / "print.css").as_uri())

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/pdf/print.css",
        "https://example.com/logo.png",
        "ftp://example.com/file.css",
        "file://otherhost/static/pdf/print.css",
    ],
)
def test_the_fetcher_refuses_anything_but_local_files(url):
    with pytest.raises(RefusedURL):
        LocalStaticFetcher().fetch(url)


def test_the_fetcher_refuses_a_file_outside_the_static_folders():
    settings_file = Path(settings.BASE_DIR) / "commissioning" / "settings.py"
    climbing_out = (STATIC / "pdf").as_uri() + "/../../commissioning/settings.py"

    with pytest.raises(RefusedURL):
        LocalStaticFetcher().fetch(settings_file.as_uri())
    with pytest.raises(RefusedURL):
        LocalStaticFetcher().fetch(climbing_out)
    with pytest.raises(RefusedURL):
        LocalStaticFetcher().fetch("file:///etc/passwd")


def test_the_fetcher_reads_data_urls():
    assert LocalStaticFetcher().fetch("data:text/plain,hello").read() == b"hello"


@override_settings(PROTECTIVE_MARKING="OFFICIAL-SENSITIVE", OPCC_NAME="Westshire OPCC")
def test_a_pdf_carries_its_title_author_date_tags_and_the_sensitive_marking(pdf_text, pdf_info):
    pdf = render_pdf("pdf/base.html", {}, title="Test document")

    info = pdf_info(pdf)
    assert info["Title"] == "Test document"
    assert info["Author"] == "Westshire OPCC"
    assert info["CreationDate"]
    assert info["Tagged"] == "yes"
    assert info["PDF version"] == "1.7"
    text = pdf_text(pdf)
    # In the running header and footer, not just in the heading.
    assert text.count("OFFICIAL-SENSITIVE") >= 3
    assert "Page 1 of 1" in text
    assert 'pdfuaid:part="1"' in pdf_info.meta(pdf)
    assert b"/Lang (en-GB)" in uncompressed_objects(pdf)


def uncompressed_objects(pdf):
    """Every stream of the PDF inflated, where WeasyPrint keeps the catalogue's /Lang."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def test_storing_a_pdf_clears_out_files_older_than_a_week(pdf_cache_dir):
    pdf_cache_dir.mkdir(parents=True)
    stale = pdf_cache_dir / f"schedule-{'a' * 40}.pdf"
    recent = pdf_cache_dir / f"schedule-{'b' * 40}.pdf"
    stale.write_bytes(b"old")
    recent.write_bytes(b"new")
    eight_days_ago = time.time() - 8 * 24 * 60 * 60
    os.utime(stale, (eight_days_ago, eight_days_ago))

    store_pdf(f"summary-{'c' * 40}", b"%PDF-")

    assert (pdf_cache_dir / f"summary-{'c' * 40}.pdf").read_bytes() == b"%PDF-"
    assert recent.exists()
    assert not stale.exists()
