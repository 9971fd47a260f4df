"""The contract summary PDF shows each decision, its owner and its state (issue 13)."""

import datetime

import pytest

from contracts.models import RenewalDecision
from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory

from .conftest import response_bytes

pytestmark = pytest.mark.django_db


def test_the_summary_pdf_shows_open_decisions_with_owner_and_state_and_those_made(
    staff_client, django_user_model, pdf_phrases
):
    owner = django_user_model.objects.create_user("ann", first_name="Ann", last_name="Owner")
    contract = ContractFactory(reference="DEC", end_date=datetime.date(2099, 3, 31))
    ContractValueFactory(contract=contract, year=2098)
    option = ExtensionOptionFactory(contract=contract, year=2099)
    RenewalDecision.objects.create(contract=contract, option=option, owner=owner)
    lapsed = ExtensionOptionFactory(
        contract=ContractFactory(
            reference="OLD",
            start_date=datetime.date(2018, 4, 1),
            end_date=datetime.date(2020, 3, 31),
        ),
        year=2020,
    )
    assert lapsed.is_available

    pdf = pdf_phrases(response_bytes(staff_client.get("/contracts/DEC/summary.pdf")))
    decisions = pdf.split("Decisions", 1)[1]
    assert "31 December 2098" in decisions
    assert "Ann Owner" in decisions
    assert "Due" in decisions

    old = pdf_phrases(response_bytes(staff_client.get("/contracts/OLD/summary.pdf")))
    assert "Nobody named: administrators are told" in old
    assert "Lapsed unless decided" in old
