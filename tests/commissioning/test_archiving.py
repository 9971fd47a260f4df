import pytest

from contracts.models import Contract
from providers.models import Provider
from tests.factories import ContractFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def run_action(client, model, action, rows):
    meta = model._meta
    return client.post(
        f"/admin/{meta.app_label}/{meta.model_name}/",
        {"action": action, "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


def test_an_editor_archives_a_contract_and_it_leaves_the_register(editor_client):
    contract = ContractFactory(reference="GONE", title="Old service")

    response = run_action(editor_client, Contract, "archive_selected", [contract])

    assert "Archived 1: they no longer appear on the register pages." in response.content.decode()
    contract.refresh_from_db()
    assert contract.is_archived
    assert editor_client.get("/contracts/GONE/").status_code == 404
    assert "Old service" not in editor_client.get("/contracts/").content.decode()
    assert contract.history.filter(archived_at__isnull=False).exists()


def test_an_archived_contract_is_restored_to_the_register(editor_client):
    contract = ContractFactory(reference="BACK")
    contract.archive()

    response = run_action(editor_client, Contract, "restore_selected", [contract])

    assert "Restored 1 to the register." in response.content.decode()
    assert editor_client.get("/contracts/BACK/").status_code == 200


def test_archived_rows_stay_in_admin_behind_a_filter(editor_client):
    ContractFactory(reference="LIVE-ONE")
    ContractFactory(reference="OLD-ONE").archive()
    page = editor_client.get("/admin/contracts/contract/?archived=yes").content.decode()
    assert "OLD-ONE" in page
    assert "LIVE-ONE" not in page


def test_an_editor_archives_a_provider_and_cannot_delete_one(editor_client):
    provider = ProviderFactory(name="Closed charity")
    assert editor_client.get(f"/admin/providers/provider/{provider.pk}/delete/").status_code == 403
    response = run_action(editor_client, Provider, "delete_selected", [provider])
    assert response.status_code == 200
    assert Provider.objects.filter(pk=provider.pk).exists()

    run_action(editor_client, Provider, "archive_selected", [provider])
    provider.refresh_from_db()
    assert provider.is_archived
    assert "Closed charity" not in editor_client.get("/providers/").content.decode()


def test_the_delete_action_is_not_offered_to_editors(editor_client):
    ContractFactory()
    page = editor_client.get("/admin/contracts/contract/").content.decode()
    assert 'value="archive_selected"' in page
    assert 'value="delete_selected"' not in page


def test_every_page_and_document_of_an_archived_contract_is_not_found(editor_client):
    """Each URL naming a contract by reference reads it through Contract.objects.current()."""
    from django.urls import get_resolver

    contract = ContractFactory(reference="ARCHIVED")
    contract.archive()
    by_reference = [
        f"/contracts/{pattern.pattern._route.replace('<slug:reference>', 'ARCHIVED')}"
        for pattern in get_resolver("contracts.urls").url_patterns
        if "<slug:reference>" in getattr(pattern.pattern, "_route", "")
    ]

    assert "/contracts/ARCHIVED/summary.pdf" in by_reference
    for url in by_reference:
        assert editor_client.get(url).status_code == 404, url
