import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from contracts.models import Contract
from providers.models import Provider
from tests.factories import ContractFactory, ContractValueFactory, ProviderFactory
from tests.security.html_forms import form_data

pytestmark = pytest.mark.django_db


def change_url(instance):
    meta = instance._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])


def open_form(client, instance):
    response = client.get(change_url(instance))
    assert response.status_code == 200
    return form_data(response, f"{instance._meta.model_name}_form")


@pytest.fixture
def two_editors(client, editor, second_editor):
    from django.test import Client

    first, second = client, Client()
    first.force_login(editor)
    second.force_login(second_editor)
    return first, second


def test_a_second_editor_saving_a_stale_contract_is_refused_with_what_changed(two_editors):
    first, second = two_editors
    contract = ContractFactory(title="Victim support", description="Helps victims.")
    ContractValueFactory(contract=contract, year=2023)
    jane_form, omar_form = open_form(first, contract), open_form(second, contract)

    jane_form["title"] = "Victim support service"
    assert first.post(change_url(contract), jane_form).status_code == 302

    omar_form["description"] = "Helps victims of every crime."
    response = second.post(change_url(contract), omar_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Your changes have not been saved: someone else saved this contract" in page
    assert "Jane Smith saved it at" in page
    assert "Title changed from “Victim support” to “Victim support service”" in page
    contract.refresh_from_db()
    assert contract.title == "Victim support service"
    assert contract.description == "Helps victims."


def test_the_refused_form_holds_both_edits_and_saving_it_again_keeps_both(two_editors):
    first, second = two_editors
    contract = ContractFactory(title="Victim support", description="Helps victims.")
    jane_form, omar_form = open_form(first, contract), open_form(second, contract)
    jane_form["title"] = "Victim support service"
    first.post(change_url(contract), jane_form)
    omar_form["description"] = "Helps victims of every crime."

    refused = second.post(change_url(contract), omar_form)
    merged = form_data(refused, "contract_form")
    assert merged["title"] == "Victim support service"
    assert merged["description"] == "Helps victims of every crime."

    assert second.post(change_url(contract), merged).status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Victim support service"
    assert contract.description == "Helps victims of every crime."
    assert contract.version == 3


def test_when_both_editors_change_the_same_field_the_message_says_so(two_editors):
    first, second = two_editors
    contract = ContractFactory(title="Victim support")
    jane_form, omar_form = open_form(first, contract), open_form(second, contract)
    jane_form["title"] = "Jane's title"
    first.post(change_url(contract), jane_form)
    omar_form["title"] = "Omar's title"

    refused = second.post(change_url(contract), omar_form)

    assert "You both changed title: the form keeps your value there." in refused.content.decode()
    assert form_data(refused, "contract_form")["title"] == "Omar's title"
    contract.refresh_from_db()
    assert contract.title == "Jane's title"


def test_a_stale_provider_is_refused_too(two_editors):
    first, second = two_editors
    provider = ProviderFactory(name="Victim Support", phone="01234 567890")
    jane_form, omar_form = open_form(first, provider), open_form(second, provider)
    jane_form["phone"] = "01234 000000"
    assert first.post(change_url(provider), jane_form).status_code == 302
    omar_form["website"] = "https://example.org/"

    response = second.post(change_url(provider), omar_form)

    assert response.status_code == 200
    assert "someone else saved this provider" in response.content.decode()
    assert "Phone changed from “01234 567890” to “01234 000000”" in response.content.decode()
    provider.refresh_from_db()
    assert (provider.phone, provider.website) == ("01234 000000", "")


def test_an_editor_saving_an_up_to_date_form_is_not_bothered(editor_client):
    contract = ContractFactory(title="Victim support")
    form = open_form(editor_client, contract)
    form["title"] = "Renamed"
    assert editor_client.post(change_url(contract), form).status_code == 302
    form = open_form(editor_client, contract)
    form["title"] = "Renamed again"
    assert editor_client.post(change_url(contract), form).status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("Renamed again", 3)


def test_a_form_without_its_version_is_refused_not_saved(editor_client):
    contract = ContractFactory(title="Victim support")
    form = open_form(editor_client, contract)
    del form["seen_version"]
    form["title"] = "Renamed"

    response = editor_client.post(change_url(contract), form)

    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    contract.refresh_from_db()
    assert contract.title == "Victim support"


def test_a_full_save_moves_the_version_on_but_archiving_does_not():
    contract = ContractFactory()
    contract.archive()
    contract.refresh_from_db()
    assert contract.version == 1  # archive() saves only archived_at: an open form stays valid
    contract.title = "Changed"
    contract.save()
    assert Contract.objects.get(pk=contract.pk).version == 2


def test_a_write_that_fails_half_way_leaves_nothing_behind():
    provider = ProviderFactory(name="Victim Support")
    with pytest.raises(IntegrityError), transaction.atomic():
        provider.name = "Renamed"
        provider.save()
        Provider.objects.create(name="")  # breaks provider_name_not_blank
    provider.refresh_from_db()
    assert provider.name == "Victim Support"
    assert provider.history.count() == 1


def test_every_request_runs_in_one_transaction(settings):
    from django.db import connection

    assert connection.settings_dict["ATOMIC_REQUESTS"] is True


def test_an_admin_save_that_fails_in_an_inline_saves_nothing_of_the_contract(editor_client):
    contract = ContractFactory(title="Victim support")
    ContractValueFactory(contract=contract, year=2023)
    form = open_form(editor_client, contract)
    form["title"] = "Renamed"
    form["values-0-amount"] = "-5"

    response = editor_client.post(change_url(contract), form)

    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.title == "Victim support"
    assert contract.values.get().amount == 10000


def test_a_stale_form_shows_the_other_editors_inline_rows_and_keeps_them(two_editors):
    first, second = two_editors
    contract = ContractFactory(title="Victim support")
    ContractValueFactory(contract=contract, year=2023)
    jane_form, omar_form = open_form(first, contract), open_form(second, contract)
    jane_form["values-0-amount"] = "12345.00"
    assert first.post(change_url(contract), jane_form).status_code == 302
    omar_form["title"] = "Victim support service"

    refused = second.post(change_url(contract), omar_form)

    assert "changes you made in them were not kept" in refused.content.decode()
    merged = form_data(refused, "contract_form")
    assert merged["values-0-amount"] == "12345.00"
    assert second.post(change_url(contract), merged).status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Victim support service"
    assert contract.values.get().amount == 12345


def test_a_part_with_a_long_name_still_moves_its_contract_and_says_so_within_the_history_column(
    db,
):
    from tests.factories import ContractFactory, OutcomeFactory

    contract = ContractFactory()
    OutcomeFactory(contract=contract, text="A very long outcome " * 40)
    record = contract.history.order_by("-history_id").first()
    room = type(record)._meta.get_field("history_change_reason").max_length
    assert record.history_change_reason.startswith("its outcome “")
    assert record.history_change_reason.endswith("” was added")
    assert "…" in record.history_change_reason
    assert len(record.history_change_reason) <= room
