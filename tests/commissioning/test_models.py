"""The kernel's abstract models: named lookup rows, archiving and versions; no ``__str__`` queries."""

import pytest
from django.apps import apps

from commissioning.models import Versioned
from contracts.models import Category, Contract, ContractPartner, ContractValue, ExtensionOption
from outcomes.models import Measure, Outcome
from providers.models import Provider
from tests.factories import (
    ChangeFactory,
    CohortFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    KpiFactory,
    MeasureFactory,
    NoticeFactory,
    OutcomeFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db

REGISTER_APPS = ("contracts", "providers", "outcomes")


@pytest.fixture
def one_of_everything():
    partner = ContractPartnerFactory(area="North")
    contract = partner.contract
    contract.cohorts.add(CohortFactory())
    ContractValueFactory(contract=contract, funding_stream=FundingStreamFactory())
    ExtensionOptionFactory(contract=contract)
    OutcomeFactory(contract=contract, measure=MeasureFactory())
    RatingFactory(kpi=KpiFactory(contract=contract))
    ChangeFactory(contract=contract)
    NoticeFactory(contract=contract)
    return contract


def test_no_register_row_runs_a_query_to_name_itself(one_of_everything, django_assert_num_queries):
    checked = []
    for label in REGISTER_APPS:
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "instance_type"):  # django-simple-history's copies
                continue
            row = model._default_manager.order_by().first()
            if row is None:
                continue
            with django_assert_num_queries(0):
                name = str(row)
            assert name and "None" not in name, (model.__name__, name)
            checked.append(model.__name__)
    assert {"Contract", "ContractPartner", "ContractValue", "ExtensionOption", "Provider"} <= set(
        checked
    )
    assert {"KeyPerformanceIndicator", "Measure", "Outcome", "Category", "Cohort"} <= set(checked)


@pytest.mark.parametrize("model", [Category, Measure])
def test_a_named_lookup_row_is_found_by_its_name_and_prints_as_it(model):
    row = model.objects.create(name="Victims of crime")
    assert model.objects.get_by_natural_key("Victims of crime") == row
    assert row.natural_key() == ("Victims of crime",)
    assert str(row) == "Victims of crime"


def test_each_save_of_an_existing_row_is_a_new_version_but_archiving_is_not(one_of_everything):
    contract = Contract.objects.get()
    seen = contract.version  # its parts were added after it, each moving it once
    contract.title = "Renamed"
    contract.save()
    assert Contract.objects.get().version == seen + 1
    contract.archive()
    assert Contract.objects.get().version == seen + 1
    assert list(Contract.objects.archived()) == [contract]
    assert list(Contract.objects.current()) == []
    contract.restore()
    assert list(Contract.objects.current()) == [contract]


def test_providers_archive_and_count_versions_the_same_way(one_of_everything):
    provider = Provider.objects.first()
    provider.save()
    assert Provider.objects.get(pk=provider.pk).version == 2
    provider.archive()
    assert provider.pk not in Provider.objects.current().values_list("pk", flat=True)
    assert Provider.objects.get(pk=provider.pk).version == 2


def test_every_versioned_row_gets_its_version_from_the_one_abstract_model():
    versioned = {
        model.__name__
        for label in REGISTER_APPS
        for model in apps.get_app_config(label).get_models()
        if not hasattr(model, "instance_type")
        and any(field.name == "version" for field in model._meta.concrete_fields)
    }
    assert versioned == {
        "Contract",
        "Provider",
        "ContractValue",
        "ExtensionOption",
        "ContractPartner",
        "Outcome",
        "RenewalDecision",  # its admin page is version-checked; not a part of the contract
    }
    for label in REGISTER_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__ in versioned and not hasattr(model, "instance_type"):
                assert issubclass(model, Versioned), model.__name__


@pytest.mark.parametrize("model", [ContractValue, ExtensionOption, ContractPartner, Outcome])
def test_a_saved_part_moves_its_own_version_and_its_contracts_once(one_of_everything, model):
    part = model.objects.get()
    contract_version = Contract.objects.get().version
    part.save()
    assert model.objects.get().version == part.version == 2
    assert Contract.objects.get().version == contract_version + 1
    part.delete()
    assert Contract.objects.get().version == contract_version + 2
