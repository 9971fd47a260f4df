"""HTML or JavaScript typed into any text field is shown as text everywhere, never run."""

import csv
import io
import shutil
import subprocess

import openpyxl
import pytest
from django.db import models
from openpyxl.utils.escape import unescape

from contracts.models import Contract
from tests.factories import (
    CohortFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    MeasureFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db

LONG = '<script>alert("zz9")</script><img src=x onerror=alert(1)>'
SHORT = "<zz9/>'\""  # fits the narrowest text column (20 characters)
RAW_MARKERS = ["<script>alert(", "<img src=x", "<zz9"]


def hostile(field):
    return LONG if field.max_length is None or field.max_length >= len(LONG) else SHORT


def fill_every_text_field(instance):
    for field in instance._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
        ):
            setattr(instance, field.name, hostile(field))
    instance.save()
    return instance


@pytest.fixture
def hostile_contract():
    contract = ContractFactory(reference="HOSTILE")
    for instance in [
        contract,
        contract.category,
        contract.lead_provider,
        contract.lead_commissioner,
        ContractValueFactory(contract=contract, year=2024, funding_stream=FundingStreamFactory()),
        ExtensionOptionFactory(contract=contract, year=2026),
        ContractPartnerFactory(contract=contract),
        OutcomeFactory(contract=contract, measure=MeasureFactory()),
        OutcomeFactory(contract=contract, kind="testimonial"),
    ]:
        fill_every_text_field(instance)
    contract.cohorts.add(fill_every_text_field(CohortFactory()))
    return Contract.objects.get(pk=contract.pk)


def assert_shown_as_text(html, where):
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: unescaped {marker}"


@pytest.mark.parametrize(
    "url",
    ["/", "/contracts/", "/contracts/HOSTILE/", "/providers/", "/outcomes/", "/contracts/?q=zz9"],
)
def test_hostile_text_is_escaped_on_every_page_staff_see(editor_client, hostile_contract, url):
    response = editor_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert_shown_as_text(html, url)


def test_hostile_text_is_visible_as_text_on_the_contract_page(editor_client, hostile_contract):
    html = editor_client.get("/contracts/HOSTILE/").content.decode()
    assert "&lt;script&gt;alert(&quot;zz9&quot;)&lt;/script&gt;" in html


def test_hostile_text_is_escaped_on_the_provider_page(editor_client, hostile_contract):
    response = editor_client.get(f"/providers/{hostile_contract.lead_provider.pk}/")
    assert response.status_code == 200
    assert_shown_as_text(response.content.decode(), "provider page")


def test_hostile_text_is_escaped_in_admin(editor_client, hostile_contract):
    for url in [
        "/admin/contracts/contract/",
        f"/admin/contracts/contract/{hostile_contract.pk}/change/",
        f"/admin/contracts/contract/{hostile_contract.pk}/history/",
    ]:
        response = editor_client.get(url)
        assert response.status_code == 200
        assert_shown_as_text(response.content.decode(), url)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (make system)")
@pytest.mark.parametrize("url", ["/contracts/HOSTILE/summary.pdf", "/contracts/schedule.pdf"])
def test_hostile_text_is_printed_as_text_in_pdfs(editor_client, hostile_contract, url):
    response = editor_client.get(url)
    assert response.status_code == 200
    if response.streaming:
        pdf = b"".join(response.streaming_content)
        response.close()
    else:
        pdf = response.content
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    # Printed literally: had the markup been interpreted, the tags would have vanished.
    assert "<script>alert(" in text


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-1+1", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def formula_contracts():
    for number, formula in enumerate(FORMULAS):
        ContractFactory(reference=f"F{number}", title=formula, description=formula)


def test_csv_export_neutralises_formulas_in_text(viewer_client, formula_contracts):
    response = viewer_client.get("/contracts/", {"_export": "csv"})
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    for formula in FORMULAS:
        assert formula not in cells
        assert "'" + formula in cells


def test_xlsx_export_neutralises_formulas_in_text(viewer_client, formula_contracts):
    response = viewer_client.get("/contracts/", {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # A carriage return is stored as _x000D_ (Excel shows it as one); openpyxl leaves it so.
    values = {unescape(cell.value) for cell in cells}
    for formula in FORMULAS:
        assert "'" + formula.replace("\n", "\r") in values


# Text XlsxWriter would copy into the sheet as rich-text XML: restyled, a broken file, or
# (the second) a cell of its own closed early and a live formula added beside it.
RICH_TEXT_LOOKALIKES = [
    "<r><t>bold</t></r>",
    '<r><t>x</t></r></is></c><c r="J2"><f>HYPERLINK("http://evil.example","click")</f></c>'
    '<c r="K2" t="inlineStr"><is><r><t>y</t></r>',
]


def test_xlsx_export_writes_text_that_looks_like_spreadsheet_xml_as_that_text(viewer_client):
    for number, text in enumerate(RICH_TEXT_LOOKALIKES):
        ContractFactory(reference=f"X{number}", title=text)

    response = viewer_client.get("/contracts/", {"_export": "xlsx", "sort": "reference"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.max_column == len(header)
    titles = [row[header.index("Title")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == RICH_TEXT_LOOKALIKES
