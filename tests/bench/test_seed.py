"""bench/seed.py: the synthetic register the benchmarks grow and clear."""

import contextlib
import io

import pytest

from bench import seed as synthetic
from commissioning.dataversion import data_version, installed_trigger_tables, versioned_tables
from contracts.models import (
    Category,
    CommissioningBody,
    Contract,
    ContractMoney,
    ContractPartner,
    ContractValue,
    ExtensionOption,
    FundingStream,
)
from outcomes.models import Outcome
from providers.models import Provider
from tests.contracts.test_stored_money import assert_stored_equals_derived
from tests.factories import (
    ContractFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    OutcomeFactory,
)

pytestmark = pytest.mark.django_db


def seed(*args):
    """What ``python -m bench.seed …`` prints."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        synthetic.main(list(args))
    return output.getvalue()


def test_it_creates_the_contracts_it_says_with_their_values_options_and_outcomes():
    said = seed("--contracts", "60")

    assert "Added 60 contracts" in said
    contracts = Contract.objects.filter(reference__startswith="SYN-")
    assert contracts.count() == 60
    per_contract = [c.values.count() for c in contracts.prefetch_related("values")]
    assert min(per_contract) >= 1
    assert ExtensionOption.objects.filter(contract__in=contracts).exists()
    outcomes = Outcome.objects.filter(contract__in=contracts)
    assert outcomes.count() > 60
    assert outcomes.values("kind").distinct().count() >= 5
    assert outcomes.filter(measure__isnull=False).exists()
    assert ContractPartner.objects.filter(contract__in=contracts).exists()


def test_providers_are_shared_about_five_contracts_each():
    seed("--contracts", "100")

    providers = Provider.objects.filter(name__startswith="Synthetic ")
    assert providers.count() == 20
    assert Contract.objects.values("lead_provider").distinct().count() <= 20


def test_everything_it_makes_is_marked_synthetic():
    seed("--contracts", "30")

    assert not Contract.objects.exclude(reference__startswith="SYN-").exists()
    for model in (Provider, Category, CommissioningBody, FundingStream):
        assert not model.objects.exclude(name__startswith="Synthetic ").exists()


def test_its_values_are_valid_against_the_model_rules():
    seed("--contracts", "40")

    for value in ContractValue.objects.all():
        value.full_clean()
    for contract in Contract.objects.all():
        assert contract.start_date <= contract.end_date
        assert contract.total_value > 0


def test_its_stored_money_equals_what_its_values_derive_to_with_a_row_for_every_contract():
    seed("--contracts", "40")
    seed("--contracts", "70")

    assert_stored_equals_derived()
    assert ContractMoney.objects.count() == 70


def test_a_top_up_moves_the_data_version_once_and_keeps_the_triggers():
    seed("--contracts", "10")
    before = data_version()

    seed("--contracts", "30")

    assert data_version() == before + 1
    assert installed_trigger_tables() == set(versioned_tables())


def test_sub_lines_share_their_parents_lead_provider():
    seed("--contracts", "200")

    sub_lines = Contract.objects.filter(parent__isnull=False).select_related("parent")
    assert sub_lines.exists()
    for contract in sub_lines:
        assert contract.lead_provider_id == contract.parent.lead_provider_id
        assert contract.parent.parent_id is None


def test_a_second_run_tops_up_to_the_number_asked_for():
    seed("--contracts", "20")
    seed("--contracts", "50")
    seed("--contracts", "50")

    references = list(Contract.objects.values_list("reference", flat=True))
    assert len(references) == 50
    assert len(set(references)) == 50


def test_clear_removes_exactly_the_synthetic_rows_and_nothing_of_the_real_register():
    real = ContractFactory(reference="VS-CORE")
    ContractValueFactory(contract=real, year=2024)
    ExtensionOptionFactory(contract=real, year=2026)
    OutcomeFactory(contract=real)
    seed("--contracts", "50")

    seed("--clear")

    assert list(Contract.objects.values_list("reference", flat=True)) == ["VS-CORE"]
    assert ContractValue.objects.get().contract == real
    assert ExtensionOption.objects.get().contract == real
    assert Outcome.objects.get().contract == real
    assert list(Provider.objects.all()) == [real.lead_provider]
    assert list(Category.objects.all()) == [real.category]
    assert not FundingStream.objects.exists()


def test_it_asks_for_a_size_or_clear(capsys):
    with pytest.raises(SystemExit):
        synthetic.main([])
    assert "say how many contracts" in capsys.readouterr().err


def test_the_tables_it_fills_are_analysed_providers_included(monkeypatch):
    """Unanalysed, PostgreSQL planned the provider list for 8 providers of 20,000."""
    analysed = []
    monkeypatch.setattr(synthetic, "analyse", lambda tables: analysed.extend(tables))

    seed("--contracts", "10")

    for model in (Provider, Contract, ContractPartner, Outcome):
        assert model._meta.db_table in analysed
