"""The data version: one row read by primary key, moved by the database with every change."""

import pytest
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from commissioning.dataversion import (
    data_version,
    install_triggers,
    installed_trigger_tables,
    moved_once,
    register_version,
    versioned_tables,
)
from contracts.models import Contract, ContractValue
from tests.factories import ContractFactory, ContractValueFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def test_every_table_of_the_register_has_a_trigger_and_history_tables_do_not():
    tables = versioned_tables()

    assert {
        "contracts_contract",
        "contracts_contractvalue",
        "contracts_extensionoption",
        "contracts_contract_co_commissioners",
        "providers_provider",
        "outcomes_outcome",
    } <= set(tables)
    assert not [table for table in tables if "historical" in table]
    assert "commissioning_dataversion" not in tables
    assert installed_trigger_tables() == set(tables)


def test_reading_the_version_is_one_query_by_primary_key():
    ContractFactory()

    with CaptureQueriesContext(connection) as queries:
        register_version()

    assert len(queries.captured_queries) == 1
    assert "WHERE" in queries.captured_queries[0]["sql"]
    assert "COUNT" not in queries.captured_queries[0]["sql"].upper()


def test_bulk_writes_and_many_to_many_changes_move_it():
    contract = ContractFactory()
    value = ContractValueFactory(contract=contract)
    seen = [data_version()]

    # The register's querysets refuse update() (commissioning/audited.py); a plain
    # QuerySet stands for any other bulk write (a data migration, bench/seed.py).
    models.QuerySet(ContractValue).filter(pk=value.pk).update(amount=11)
    seen.append(data_version())
    contract.co_commissioners.add(contract.lead_commissioner)
    seen.append(data_version())
    models.QuerySet(Contract).filter(pk=contract.pk).update(title="Renamed in bulk")
    seen.append(data_version())
    ProviderFactory()
    seen.append(data_version())

    assert len(set(seen)) == len(seen)


def test_a_rolled_back_change_leaves_it_where_it_was():
    contract = ContractFactory()
    before = data_version()

    with pytest.raises(RuntimeError), transaction.atomic():
        contract.title = "Never saved"
        contract.save()
        assert data_version() != before  # same transaction: already moved inside it
        raise RuntimeError

    assert data_version() == before


def test_installing_again_adds_no_second_trigger():
    contract = ContractFactory()
    before = data_version()

    install_triggers()
    contract.title = "Once"
    contract.save(update_fields=["title"])

    assert data_version() == before + 1


def test_a_bulk_load_inside_moved_once_moves_it_once_and_puts_the_triggers_back():
    contract = ContractFactory()
    before = data_version()

    with transaction.atomic(), moved_once():
        for title in ("One", "Two", "Three"):
            models.QuerySet(Contract).filter(pk=contract.pk).update(title=title)
            assert data_version() == before  # no trigger inside the block

    assert data_version() == before + 1
    assert installed_trigger_tables() == set(versioned_tables())
    contract.title = "After"
    contract.save(update_fields=["title"])
    assert data_version() == before + 2
