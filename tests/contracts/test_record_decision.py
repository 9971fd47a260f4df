"""Editors record renewal decisions from the contract page."""

import datetime

import pytest

from contracts.models import OptionStatus, RenewalDecision, Status
from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    contract = ContractFactory(reference="RJ", end_date=datetime.date(2099, 3, 31))
    ContractValueFactory(contract=contract, year=2098)
    return contract


def form_data(contract, **fields):
    """The form as an editor opening it now would post it: the contract's version as the
    database holds it (adding values or options moves it, so not the fixture's copy)."""
    contract.refresh_from_db(fields=["version"])
    data = {
        "owner": "",
        "due_date_0": "",
        "due_date_1": "",
        "due_date_2": "",
        "outcome": "",
        "decided_on_0": "",
        "decided_on_1": "",
        "decided_on_2": "",
        "reference": "",
        "seen_version": contract.version,
    }
    data.update(fields)
    return data


def test_the_contract_page_shows_each_decision_its_owner_and_state(editor_client, contract):
    ExtensionOptionFactory(contract=contract, year=2099)
    text = editor_client.get("/contracts/RJ/").content.decode()
    assert 'id="decisions"' in text
    assert "Extension option 2099/00" in text or "Extension option 2099/2100" in text
    assert "31 December 2098" in text
    assert "Nobody named: administrators are told" in text
    assert "/contracts/RJ/decisions/option-" in text


def test_recording_extend_exercises_the_option(editor_client, contract):
    option = ExtensionOptionFactory(
        contract=contract, year=2099, end_date=datetime.date(2100, 3, 31)
    )
    response = editor_client.post(
        f"/contracts/RJ/decisions/option-{option.pk}/",
        form_data(
            contract,
            outcome="extend",
            decided_on_0="3",
            decided_on_1="5",
            decided_on_2="2025",
            reference="PCC-2098-01",
        ),
        follow=True,
    )
    text = response.content.decode()
    assert "Decision on option" in text and "saved" in text
    option.refresh_from_db()
    contract.refresh_from_db()
    assert option.status == OptionStatus.EXERCISED
    assert contract.status == Status.EXTENDED
    assert contract.end_date == datetime.date(2100, 3, 31)
    assert "Extend</strong>, decided 3 May 2025 (reference PCC-2098-01)" in text
    assert RenewalDecision.objects.get().history.count() == 1


def test_an_outcome_without_a_date_is_explained_and_nothing_saved(editor_client, contract):
    response = editor_client.post(
        "/contracts/RJ/decisions/end/", form_data(contract, outcome="reprocure")
    )
    assert response.status_code == 200
    assert "Give the outcome and the date it was decided together" in response.content.decode()
    assert not RenewalDecision.objects.exists()


def test_a_form_opened_before_someone_elses_save_is_refused(editor_client, contract):
    contract.refresh_from_db()
    seen = contract.version
    contract.title = "Renamed"
    contract.save()
    response = editor_client.post(
        "/contracts/RJ/decisions/end/",
        form_data(
            contract,
            seen_version=seen,
            outcome="end",
            decided_on_0="1",
            decided_on_1="1",
            decided_on_2="2025",
        ),
    )
    assert "someone else saved this contract after you opened the form" in (
        response.content.decode()
    )
    assert not RenewalDecision.objects.exists()


def test_a_viewer_cannot_record_a_decision(client, django_user_model, contract):
    client.force_login(django_user_model.objects.create_user("viewer"))
    assert client.get("/contracts/RJ/decisions/end/").status_code == 403


def test_a_post_without_a_csrf_token_is_refused(editor_client, contract):
    editor_client.handler.enforce_csrf_checks = True
    response = editor_client.post("/contracts/RJ/decisions/end/", form_data(contract))
    assert response.status_code == 403


def test_a_decision_on_the_contracts_end_shows_on_its_page_with_its_owner(
    editor_client, contract, django_user_model
):
    owner = django_user_model.objects.create_user("ann", first_name="Ann", last_name="Owner")
    response = editor_client.post(
        "/contracts/RJ/decisions/end/",
        form_data(
            contract,
            owner=owner.pk,
            outcome="reprocure",
            decided_on_0="2",
            decided_on_1="2",
            decided_on_2="2025",
        ),
        follow=True,
    )
    text = response.content.decode()
    assert "End of contract (31 March 2099): <strong>Re-procure</strong>" in text
    assert "decided 2 February 2025 by Ann Owner" in text


def test_a_decision_dated_in_the_future_is_refused_and_nothing_saved(editor_client, contract):
    # The register as of an earlier day counts a decision from the day it was decided.
    response = editor_client.post(
        "/contracts/RJ/decisions/end/",
        form_data(contract, outcome="end", decided_on_0="1", decided_on_1="1", decided_on_2="2098"),
    )
    assert "The date it was decided must be today or earlier." in response.content.decode()
    assert not RenewalDecision.objects.exists()
