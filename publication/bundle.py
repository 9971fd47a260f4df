"""The static bundle: the whole public set as files an office can upload to its own website."""

import shutil
from pathlib import Path

from django.contrib.staticfiles import finders

from .documents import FILES, PublishedDocuments, as_json
from .register import published_register
from .validation import validate_360giving, validate_ocds

STYLESHEET = "vendor/app.css"
PAGE = "index.html"


class InvalidOpenData(Exception):
    """The open data would not validate against its standard's schema."""


def write_bundle(folder, today=None):
    """Write the page (with its stylesheet), the CSVs, the PDF and both JSON files into
    ``folder``; return the paths written. Nothing is written when either JSON file would be
    invalid."""
    documents = PublishedDocuments(published_register(today))
    ocds_package = documents.ocds_package()
    giving_package = documents.giving_package()
    problems = [f"OCDS {problem}" for problem in validate_ocds(ocds_package)]
    if documents.register.grants:
        problems += [f"360Giving {problem}" for problem in validate_360giving(giving_package)]
    if problems:
        raise InvalidOpenData("\n".join(problems))
    stylesheet = finders.find(STYLESHEET)
    if stylesheet is None:
        raise FileNotFoundError(f"{STYLESHEET} is not built: run `make static` first.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        PAGE: documents.page_html(stylesheet="app.css", home_href=PAGE),
        FILES["contracts_csv"]: documents.contracts_csv(),
        FILES["grants_csv"]: documents.grants_csv(),
        FILES["ocds"]: as_json(ocds_package),
        FILES["giving"]: as_json(giving_package),
    }
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    pdf_path = folder / FILES["pdf"]
    pdf_path.write_bytes(documents.pdf())
    written.append(pdf_path)
    css_path = folder / "app.css"
    shutil.copyfile(stylesheet, css_path)
    written.append(css_path)
    return written
