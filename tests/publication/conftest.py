import subprocess
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def public_register_on(settings, tmp_path):
    """The public pages are served (as `make run` sets); PDFs are stored per test (tests/conftest.py)."""
    settings.PUBLIC_REGISTER = True


@pytest.fixture
def cumbria(db):
    """The real Cumbria register, as `make run` loads it."""
    call_command("load_register", stdout=StringIO())


@pytest.fixture
def pdf_words(tmp_path):
    """A PDF's text with whitespace collapsed."""

    def read(pdf):
        path = tmp_path / "read.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        return " ".join(text.split())

    return read
