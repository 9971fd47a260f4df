"""Providers: the org-id that follows from their registration numbers, archive, history."""

import pytest
from django.db import IntegrityError, transaction

from providers.models import Provider
from tests.factories import ProviderFactory


@pytest.mark.parametrize(
    ("charity", "company", "org_id"),
    [
        ("1234567", "", "GB-CHC-1234567"),
        (" 1234567 ", "", "GB-CHC-1234567"),
        ("SC012345", "", "GB-SC-SC012345"),
        ("sc 012345", "", "GB-SC-SC012345"),
        ("NIC100001", "", "GB-NIC-100001"),
        ("", "01234567", "GB-COH-01234567"),
        ("", "1234567", "GB-COH-01234567"),
        ("", "sc123456", "GB-COH-SC123456"),
        ("1234567", "01234567", "GB-CHC-1234567"),
        ("", "", ""),
    ],
)
def test_org_id_follows_from_the_registration_numbers(charity, company, org_id):
    provider = Provider(name="Provider", charity_number=charity, company_number=company)
    assert provider.org_id == org_id


@pytest.mark.django_db
def test_the_database_refuses_a_provider_without_a_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.create(name="")


@pytest.mark.django_db
def test_the_database_refuses_two_providers_with_one_name():
    ProviderFactory(name="Victim Support")
    with pytest.raises(IntegrityError), transaction.atomic():
        Provider.objects.create(name="Victim Support")


@pytest.mark.django_db
def test_archiving_a_provider_hides_it_from_the_current_list_until_restored():
    kept = ProviderFactory(name="Kept")
    gone = ProviderFactory(name="Gone")
    gone.archive()
    assert list(Provider.objects.current()) == [kept]
    assert list(Provider.objects.archived()) == [gone]
    assert gone.is_archived
    gone.restore()
    assert list(Provider.objects.current()) == [gone, kept]


@pytest.mark.django_db
def test_history_records_a_provider_change():
    provider = ProviderFactory(name="Before")
    provider.name = "After"
    provider.save()
    assert [row.name for row in provider.history.order_by("history_date")] == ["Before", "After"]


@pytest.mark.django_db
def test_a_provider_is_found_by_its_natural_key():
    provider = ProviderFactory(name="The Well Communities")
    assert Provider.objects.get_by_natural_key("The Well Communities") == provider
    assert provider.natural_key() == ("The Well Communities",)
