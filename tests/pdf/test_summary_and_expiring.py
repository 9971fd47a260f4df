"""/contracts/<reference>/summary.pdf and /reports/expiring.pdf."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from commissioning.fy import FinancialYear
from contracts.models import OptionStatus
from outcomes.models import OutcomeKind
from tests.factories import (
    CommissioningBodyFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    OutcomeFactory,
    ProviderFactory,
)

from .conftest import response_bytes

pytestmark = pytest.mark.django_db

THIS_YEAR = FinancialYear.current()


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_a_contract_summary_shows_its_detail_but_never_internal_notes(
    staff_client, pdf_phrases, pdf_info
):
    contract = ContractFactory(
        reference="ISVA-NORTH",
        title="Independent sexual violence advisers",
        lead_provider=ProviderFactory(name="Safe Haven Trust", notes="Slow to invoice"),
        internal_notes="Manager thinks the price is too high",
        decision_reference="PCC decision 2024/17",
        value_note="Negotiated yearly under an MOU",
    )
    contract.co_commissioners.add(CommissioningBodyFactory(name="Cumbria County Council"))
    ContractPartnerFactory(contract=contract, provider=ProviderFactory(name="Eden Women"))
    ContractValueFactory(contract=contract, year=2023, amount=Decimal("129500"))
    ExtensionOptionFactory(contract=contract, year=2025, amount=Decimal("130000"))
    OutcomeFactory(
        contract=contract,
        kind=OutcomeKind.TESTIMONIAL,
        text="They believed me",
        attribution="ISVA service user",
    )
    OutcomeFactory(contract=contract, kind=OutcomeKind.RESULT, text="Hidden", is_published=False)

    response = staff_client.get("/contracts/ISVA-NORTH/summary.pdf")

    pdf = response_bytes(response)
    text = pdf_phrases(pdf)
    for shown in [
        "Independent sexual violence advisers",
        "Safe Haven Trust",
        "Eden Women",
        "Cumbria County Council",
        "PCC decision 2024/17",
        "Negotiated yearly under an MOU",
        "2023/24 £129,500",
        "2025/26 £130,000 Available",
        "They believed me",
        "ISVA service user",
    ]:
        assert shown in text
    assert "too high" not in text
    assert "Slow to invoice" not in text
    assert "Hidden" not in text
    info = pdf_info(pdf)
    assert info["Title"] == "Contract summary: Independent sexual violence advisers"
    assert info["Page size"].startswith("595.276 x 841.89")  # A4 portrait
    assert int(info["Pages"]) <= 2


def test_an_unknown_contract_has_no_summary(staff_client):
    assert staff_client.get("/contracts/NO-SUCH/summary.pdf").status_code == 404


def test_the_expiry_report_lists_endings_and_decisions_soonest_first_with_their_money(
    staff_client, pdf_phrases
):
    later = ContractFactory(title="Ends later", end_date=days_from_today(200))
    sooner = ContractFactory(title="Ends sooner", end_date=days_from_today(20))
    ContractFactory(title="Ends after the period", end_date=days_from_today(800))
    ContractValueFactory(contract=sooner, year=THIS_YEAR.start_year, amount=Decimal("48500"))
    ContractValueFactory(contract=later, year=THIS_YEAR.start_year, amount=Decimal("12000"))
    long_running = ContractFactory(title="Long runner", end_date=days_from_today(700))
    ExtensionOptionFactory(
        contract=long_running,
        year=THIS_YEAR.start_year + 3,
        amount=Decimal("75000"),
        decision_due=days_from_today(90),
    )
    ExtensionOptionFactory(
        contract=long_running,
        year=THIS_YEAR.start_year + 4,
        amount=Decimal("99999"),
        decision_due=days_from_today(60),
        status=OptionStatus.DECLINED,
    )

    response = staff_client.get("/reports/expiring.pdf", {"months": "12"})

    text = pdf_phrases(response_bytes(response))
    assert text.index("Ends sooner") < text.index("Ends later")
    assert "Ends after the period" not in text
    assert "£48,500" in text and "£12,000" in text
    assert "£60,500" in text  # this year's value of the contracts ending
    assert "Long runner" in text and "£75,000" in text
    assert "£99,999" not in text  # a declined option has no decision due
    assert "next 12 months" in text


@override_settings(PROTECTIVE_MARKING="OFFICIAL-SENSITIVE")
def test_the_expiry_report_carries_the_sensitive_marking_on_every_page(staff_client, pdf_text):
    text = pdf_text(response_bytes(staff_client.get("/reports/expiring.pdf")))

    for page in text.split("\f")[:-1]:
        assert page.count("OFFICIAL-SENSITIVE") >= 2  # header and footer


@pytest.mark.parametrize("months", ["abc", "0", "121", "-3", "1.5"])
def test_a_bad_number_of_months_gets_a_clear_message(staff_client, months):
    response = staff_client.get("/reports/expiring.pdf", {"months": months})

    assert response.status_code == 400
    assert "Months must be a whole number from 1 to 120" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/contracts/schedule.pdf", "/contracts/ANY/summary.pdf", "/reports/expiring.pdf"]
)
def test_every_pdf_needs_a_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
