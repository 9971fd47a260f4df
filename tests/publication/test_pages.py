"""/published/: open to anyone when PUBLIC_REGISTER is on, in the order of the Order."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import AgreementType, Status
from tests.factories import (
    ChangeFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    KpiFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "publication:page",
    "publication:contracts-csv",
    "publication:grants-csv",
    "publication:pdf",
    "publication:ocds",
    "publication:360giving",
]


def page_text(response):
    """What a reader sees: the page's words without the markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize("name", PUBLIC_URLS)
def test_every_public_url_opens_without_signing_in(client, cumbria, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert response.has_header("ETag")


@pytest.mark.parametrize("name", PUBLIC_URLS)
def test_nothing_is_served_when_the_public_register_is_off(client, cumbria, settings, name):
    settings.PUBLIC_REGISTER = False
    response = client.get(reverse(name))
    assert response.status_code == 404


def test_a_repeat_visit_with_the_etag_is_answered_not_modified(client, cumbria):
    first = client.get("/published/")
    again = client.get("/published/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_the_page_lists_the_orders_three_sections_in_order(client, cumbria):
    text = page_text(client.get("/published/"))
    over = text.index("1. Contracts over £10,000")
    under = text.index("2. Contracts of £10,000 or less")
    grants = text.index("3. Crime and disorder reduction grants")
    assert over < under < grants
    # The real register: 18 published contracts over £10,000, one grant.
    assert "Contracts over £10,000 (18)" in text
    assert "Crime and disorder reduction grants (1)" in text
    assert "Remedi" in text and "£389,500" in text
    assert "Crimestoppers Regional Manager post" in text[grants:]
    assert "Part-funds the Crimestoppers" in text[grants:]
    # Not published: in procurement, included in another contract, an MOU with the force, no value.
    for title in ["PAKMAN", "Keep Safe", "Independent Sexual Violence Advisor service", "Brake"]:
        assert title not in text


def test_a_contract_shows_its_value_per_year_parties_links_changes_and_kpis(client):
    contract = ContractFactory(
        title="Outreach for women",
        purpose="Support for women at risk of offending.",
        is_published=True,
        published_copy_url="https://example.gov.uk/copy.pdf",
        copy_redacted=True,
        redaction_reason="Personal data removed",
        tender_url="https://example.gov.uk/itt.pdf",
    )
    ContractPartnerFactory(contract=contract, provider__name="Gateway 4 Women")
    ContractValueFactory(contract=contract, year=2023, amount=Decimal("90000"))
    ContractValueFactory(contract=contract, year=2024, amount=Decimal("95000"))
    ChangeFactory(
        contract=contract,
        description="Added the Kendal outreach",
        value_before=Decimal("90000"),
        value_after=Decimal("95000"),
    )
    RatingFactory(kpi=KpiFactory(contract=contract, measure__name="Feeling safer"))
    response = client.get("/published/")
    text = page_text(response)
    assert "Support for women at risk of offending." in text
    assert "2023/24 £90,000 2024/25 £95,000 Total £185,000" in text
    assert "Gateway 4 Women" in text
    assert "(redacted: Personal data removed)" in text
    assert 'href="https://example.gov.uk/itt.pdf"' in response.content.decode()
    assert "Added the Kendal outreach" in text and "(5.6%)" in text
    assert "Feeling safer" in text and "Good" in text


def test_small_contracts_are_listed_with_value_parties_and_purpose(client):
    small = ContractFactory(title="Bereavement packs", purpose="Packs for FLOs.", is_published=True)
    ContractValueFactory(contract=small, amount=Decimal("10000"))
    text = page_text(client.get("/published/"))
    under = text.index("2. Contracts of £10,000 or less")
    grants = text.index("3. Crime and disorder reduction grants")
    assert "Bereavement packs £10,000" in text[under:grants]
    assert "Packs for FLOs." in text[under:grants]


def test_drafts_planned_future_and_unmarked_records_are_not_published(client):
    ContractFactory(title="Marked", is_published=True)
    ContractFactory(title="Planned one", is_published=True, status=Status.PLANNED)
    ContractFactory(title="Being procured", is_published=True, status=Status.PROCUREMENT)
    ContractFactory(title="Not marked", is_published=False)
    ContractFactory(
        title="Next week's",
        is_published=True,
        published_from=datetime.date.today() + datetime.timedelta(days=7),
    )
    text = page_text(client.get("/published/"))
    assert "Marked" in text
    for title in ["Planned one", "Being procured", "Not marked", "Next week's"]:
        assert title not in text


def test_the_contracts_csv_has_the_transparency_code_columns(client, cumbria):
    response = client.get("/published/contracts.csv")
    assert response["Content-Disposition"] == 'attachment; filename="contracts.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 18
    remedi = next(row for row in rows if row["Reference"] == "REMEDI-RJ-VICTIMS")
    assert remedi["Supplier name"] == "Remedi"
    assert remedi["Total value (£)"] == "389500.00"
    assert remedi["Start date"] == "2022-04-01"
    assert remedi["End date"] == "2025-03-31"
    assert remedi["OCID"] == "ocds-unregistered-REMEDI-RJ-VICTIMS"
    assert list(rows[0])[:4] == ["Reference", "Title", "Department", "Description"]


def test_the_grants_csv_has_the_orders_conditions_and_reason(client):
    ContractFactory(
        reference="G-1",
        title="Neighbourhood watch grant",
        agreement_type=AgreementType.GRANT,
        is_published=True,
        grant_conditions="Report quarterly",
        crime_reduction_reason="More eyes on the street",
    )
    rows = list(
        csv.DictReader(io.StringIO(client.get("/published/grants.csv").content.decode("utf-8-sig")))
    )
    assert rows[0]["Conditions"] == "Report quarterly"
    assert rows[0]["Why it is expected to reduce crime and disorder"] == "More eyes on the street"


def test_a_formula_typed_into_a_title_stays_text_in_the_csv(client):
    ContractFactory(title='=HYPERLINK("http://x")', is_published=True)
    body = client.get("/published/contracts.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


def test_the_pdf_carries_the_three_sections(client, cumbria, pdf_words):
    response = client.get("/published/contracts-and-grants.pdf")
    assert response["Content-Type"] == "application/pdf"
    words = pdf_words(response.content)
    assert "1. Contracts over £10,000 (18)" in words
    assert "3. Crime and disorder reduction grants (1)" in words
    assert "Crimestoppers" in words


@pytest.mark.parametrize("contracts", [2, 20])
def test_the_page_costs_the_same_queries_for_2_or_20_contracts(
    client, django_assert_max_num_queries, contracts
):
    for _ in range(contracts):
        contract = ContractFactory(is_published=True)
        ContractValueFactory(contract=contract)
        ContractPartnerFactory(contract=contract)
        RatingFactory(kpi=KpiFactory(contract=contract))
        ChangeFactory(contract=contract)
    # The data version (for the ETag), the contracts and one query per kind of related row,
    # and the request's savepoint pair.
    with django_assert_max_num_queries(11):
        response = client.get("/published/")
    assert response.status_code == 200


def test_the_contract_page_shows_kpi_ratings_over_time_changes_and_why_it_ended(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_user("officer"))
    contract = ContractFactory(
        reference="ENDED-1",
        status=Status.TERMINATED,
        ending_reason="agreement",
        ended_on=datetime.date(2024, 9, 30),
        ending_note="The service moved to the council",
    )
    kpi = KpiFactory(contract=contract, measure__name="Feeling safer", target="80% feel safer")
    RatingFactory(
        kpi=kpi,
        period_start=datetime.date(2022, 4, 1),
        period_end=datetime.date(2023, 3, 31),
        rating="approaching",
    )
    RatingFactory(
        kpi=kpi,
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2024, 3, 31),
        rating="good",
        comment="Above target",
    )
    ChangeFactory(contract=contract, description="Kendal outreach added")
    text = page_text(client.get("/contracts/ENDED-1/"))
    assert (
        "How it ended Ended early by agreement on 30 September 2024. "
        "The service moved to the council"
    ) in text
    assert (
        "Feeling safer Target: 80% feel safer 1 April 2022 to 31 March 2023 Approaching target "
        "1 April 2023 to 31 March 2024 Good Above target"
    ) in text
    assert "Kendal outreach added" in text and "£100,000 to £130,000 (30.0%)" in text


def test_the_contract_summary_pdf_carries_the_same(client, django_user_model, pdf_words):
    client.force_login(django_user_model.objects.create_user("officer"))
    contract = ContractFactory(
        reference="ENDED-2", status=Status.TERMINATED, ending_reason="breach"
    )
    RatingFactory(kpi=KpiFactory(contract=contract, measure__name="Feeling safer"))
    ChangeFactory(contract=contract, description="Kendal outreach added")
    response = client.get("/contracts/ENDED-2/summary.pdf")
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    words = pdf_words(pdf)
    assert "Performance, changes and ending" in words
    assert "Terminated for breach" in words
    assert "Feeling safer" in words and "Good" in words
    assert "Kendal outreach added" in words
