"""A contract's values, options, partners and outcomes are part of it: a change to one made
anywhere moves the contract's version, their own admin pages are version-checked, and a
confirmed import applies exactly the preview it showed."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import Contract, ContractValue
from outcomes.models import Outcome
from tests.commissioning.test_locking import change_url, open_form, two_editors
from tests.contracts.workbook_files import build_workbook, set_cell, valid_sheets
from tests.factories import ContractFactory, ContractValueFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

__all__ = ["two_editors"]  # the fixture, shared with the contract-locking tests


def test_a_value_changed_on_its_own_page_refuses_a_stale_contract_save(two_editors):
    jane, omar = two_editors
    contract = ContractFactory(title="Victim support")
    value = ContractValueFactory(contract=contract, year=2023, amount=Decimal("100000"))
    jane_contract = open_form(jane, contract)

    omar_value = open_form(omar, value)
    omar_value["amount"] = "120000"
    assert omar.post(change_url(value), omar_value).status_code == 302

    jane_contract["title"] = "Victim support service"
    response = jane.post(change_url(contract), jane_contract)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your changes have not been saved: someone else saved this contract" in page
    assert "contract value" in page
    value.refresh_from_db()
    assert value.amount == Decimal("120000")  # not put back by the stale inline row
    contract.refresh_from_db()
    assert contract.title == "Victim support"


@pytest.mark.parametrize("change", ["outcome saved", "value deleted", "value added"])
def test_any_change_to_a_part_moves_the_contracts_version(change):
    contract = ContractFactory()
    value = ContractValueFactory(contract=contract, year=2023)
    outcome = OutcomeFactory(contract=contract)
    before = Contract.objects.get(pk=contract.pk).version

    if change == "outcome saved":
        outcome.text = "Changed elsewhere"
        outcome.save()
    elif change == "value deleted":
        value.delete()
    else:
        ContractValueFactory(contract=contract, year=2024)

    assert Contract.objects.get(pk=contract.pk).version > before


def test_saving_a_contract_with_its_inline_rows_moves_its_version_once(editor_client):
    contract = ContractFactory()
    ContractValueFactory(contract=contract, year=2023, amount=Decimal("100000"))
    contract.refresh_from_db()
    before = contract.version
    form = open_form(editor_client, contract)
    form["values-0-amount"] = "110000"

    assert editor_client.post(change_url(contract), form).status_code == 302

    contract.refresh_from_db()
    assert contract.version == before + 1


@pytest.mark.parametrize("model", ["value", "outcome"])
def test_two_editors_on_one_part_keep_both_changes_or_are_told(two_editors, model):
    jane, omar = two_editors
    contract = ContractFactory()
    if model == "value":
        row = ContractValueFactory(contract=contract, year=2023, amount=Decimal("100000"))
        first_field, first_value, second_field, second_value = (
            "amount",
            "130000",
            "note",
            "Uplift agreed",
        )
    else:
        row = OutcomeFactory(contract=contract, text="87% felt safer")
        first_field, first_value, second_field, second_value = (
            "text",
            "88% felt safer",
            "source",
            "Closure report",
        )
    jane_form, omar_form = open_form(jane, row), open_form(omar, row)
    jane_form[first_field] = first_value
    assert jane.post(change_url(row), jane_form).status_code == 302

    omar_form[second_field] = second_value
    refused = omar.post(change_url(row), omar_form)

    assert refused.status_code == 200
    assert "Your changes have not been saved: someone else saved this" in refused.content.decode()
    row.refresh_from_db()
    assert str(getattr(row, first_field)).startswith(first_value)  # Jane's change is kept
    assert getattr(row, second_field) != second_value


IMPORT_URL = "/admin/contracts/contract/import/"
CONFIRM_URL = "/admin/contracts/contract/import/confirm/"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def preview(client, path):
    page = client.post(IMPORT_URL, {"workbook": SimpleUploadedFile(path.name, path.read_bytes())})
    assert "Check the changes" in page.content.decode(), page.content.decode()[:2000]
    return page.content.decode().split('name="token" value="')[1].split('"')[0]


def test_two_imports_previewed_together_the_second_confirmation_is_refused(
    two_editors, tmp_path, media_root
):
    jane, omar = two_editors
    from contracts.workbook import import_workbook

    assert import_workbook(build_workbook(tmp_path / "base.xlsx", valid_sheets())).ok
    jane_sheets = set_cell(valid_sheets(), "Contracts", 2, "title", "Jane's title")
    omar_sheets = set_cell(valid_sheets(), "Values", 2, "amount", "£140,000")
    jane_token = preview(jane, build_workbook(tmp_path / "jane.xlsx", jane_sheets))
    omar_token = preview(omar, build_workbook(tmp_path / "omar.xlsx", omar_sheets))

    assert jane.post(CONFIRM_URL, {"token": jane_token}).status_code == 302
    refused = omar.post(CONFIRM_URL, {"token": omar_token}, follow=True)

    page = refused.content.decode()
    assert "The register has changed since you checked this workbook" in page
    assert "Check the changes" in page  # a fresh preview, against the register as it is now
    assert Contract.objects.get(reference="VS-CORE").title == "Jane's title"
    assert not ContractValue.objects.filter(amount=Decimal("140000")).exists()

    # Confirming the fresh preview applies it (and shows Omar what it now reverts).
    fresh_token = page.split('name="token" value="')[1].split('"')[0]
    assert omar.post(CONFIRM_URL, {"token": fresh_token}).status_code == 302
    assert ContractValue.objects.filter(amount=Decimal("140000")).exists()


def test_outcome_count_unchanged_by_the_refusal(two_editors):
    """Nothing of a refused stale save is written: the outcome rows are as they were."""
    jane, omar = two_editors
    contract = ContractFactory()
    OutcomeFactory(contract=contract)
    stale = open_form(jane, contract)
    omar_outcome = open_form(omar, Outcome.objects.get())
    omar_outcome["text"] = "Changed by Omar"
    omar.post(change_url(Outcome.objects.get()), omar_outcome)

    jane.post(change_url(contract), stale)

    assert list(Outcome.objects.values_list("text", flat=True)) == ["Changed by Omar"]
