"""The PDFs as of another day say which day they show; the expiry report names each
decision's owner and state; the summary shows decisions on earlier end dates."""

import datetime
from decimal import Decimal

import pytest

from contracts.models import DecisionOutcome, RenewalDecision
from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory

from .conftest import response_bytes

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def pathways():
    contract = ContractFactory(reference="PATH", title="Pathways", end_date=D(2024, 3, 31))
    ContractValueFactory(contract=contract, year=2023, amount=Decimal("220400"))
    return contract


def test_the_schedule_as_of_a_day_says_which_day_and_shows_that_days_status(
    staff_client, pathways, pdf_phrases
):
    text = pdf_phrases(
        response_bytes(staff_client.get("/contracts/schedule.pdf", {"as_of": "2024-01-01"}))
    )
    assert "As the register stood on: 1 January 2024, not the day it was printed." in text
    assert "Status: Live" in text

    today = pdf_phrases(response_bytes(staff_client.get("/contracts/schedule.pdf")))
    assert "As the register stood on" not in today
    assert "Status: Ended" in today


def test_the_expiry_report_as_of_a_day_names_owners_and_states(
    staff_client, pathways, pdf_phrases, django_user_model
):
    owner = django_user_model.objects.create_user("olu", first_name="Olu", last_name="Owner")
    later = ContractFactory(reference="LATER", title="Later service", end_date=D(2025, 3, 31))
    option = ExtensionOptionFactory(contract=later, year=2025, amount=Decimal("75000"))
    RenewalDecision.objects.create(contract=later, option=option, owner=owner)

    response = staff_client.get("/reports/expiring.pdf", {"months": "12", "as_of": "2024-01-01"})

    assert "as-of-2024-01-01" in response["Content-Disposition"]
    text = pdf_phrases(response_bytes(response))
    assert "As the register stood on 1 January 2024" in text
    assert "next 12 months from 1 January 2024" in text
    # Pathways' end: due 31 December 2023, overdue on 1 January, nobody named.
    assert "Overdue: decide by 31 December 2023 Owner: Nobody named: administrators are told" in (
        text
    )
    decisions = text.split("Decisions due", 1)[1]
    for shown in ("Later service", "Extension option 2025/26", "£75,000", "Olu Owner", "Due"):
        assert shown in decisions
    assert "Value 2023/24" in text and "£220,400" in text


def test_a_bad_day_for_the_expiry_pdf_is_a_clear_400(staff_client):
    response = staff_client.get("/reports/expiring.pdf", {"as_of": "2024-02-31"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode() or "Enter a real date" in (
        response.content.decode()
    )


def test_the_summary_shows_decisions_on_earlier_end_dates(staff_client, pdf_phrases):
    contract = ContractFactory(reference="RJ", title="Restorative justice", end_date=D(2024, 3, 31))
    RenewalDecision.objects.create(
        contract=contract,
        end_date=D(2024, 3, 31),
        outcome=DecisionOutcome.EXTEND,
        decided_on=D(2023, 12, 1),
        reference="PCC-41",
    )
    contract.end_date = D(2099, 3, 31)
    contract.save()

    text = pdf_phrases(response_bytes(staff_client.get("/contracts/RJ/summary.pdf")))
    assert "Earlier decisions (on an end date since moved)" in text
    assert (
        "End of contract on 31 March 2024: Extend, decided 1 December 2023 (reference PCC-41)."
        in (text)
    )
