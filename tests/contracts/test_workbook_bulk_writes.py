"""An import writes its new rows in bulk: each still has its history row, and nothing is half-written."""

import pytest
from django.db import DatabaseError

from commissioning.dataversion import data_version
from contracts.history import contract_history
from contracts.models import (
    Contract,
    ContractMoney,
    ContractPartner,
    ContractValue,
    ContractYearShare,
    ExtensionOption,
)
from contracts.workbook import import_workbook, write_workbook
from contracts.workbook.plan.children import ChildSheet
from contracts.workbook.plan.outcomes import OutcomesSheet
from outcomes.models import Outcome
from providers.models import Provider

from .test_workbook_round_trip import build_rich_register, empty_the_register
from .workbook_files import register_snapshot

pytestmark = pytest.mark.django_db

RECORDED = (Provider, Contract, ContractPartner, ContractValue, ExtensionOption, Outcome)


@pytest.fixture
def exported_then_emptied(tmp_path):
    build_rich_register()
    path = tmp_path / "register.xlsx"
    write_workbook(path, include_archived=True)
    empty_the_register()
    for model in RECORDED:
        model.history.all().delete()
    return path


def test_every_row_an_import_creates_has_one_creation_record_by_the_importer(
    exported_then_emptied, django_user_model
):
    editor = django_user_model.objects.create(username="editor", first_name="Jane")

    report = import_workbook(exported_then_emptied, user=editor)

    assert report.ok, report.errors
    for model in RECORDED:
        records = model.history.all()
        assert records.count() == model.objects.count() > 0, model.__name__
        assert {(r.history_type, r.history_user, r.history_change_reason) for r in records} == {
            ("+", editor, None)
        }, model.__name__
        stored = {row.pk: row for row in model.objects.all()}
        for record in records:
            assert all(
                getattr(record, field.attname) == getattr(stored[record.id], field.attname)
                for field in model.history.model.tracked_fields
            ), model.__name__


def test_the_contract_page_tells_an_imported_contracts_history_in_plain_words(
    exported_then_emptied,
):
    assert import_workbook(exported_then_emptied).ok

    sentences = [
        entry.sentence for entry in contract_history(Contract.objects.get(reference="VS-CORE"))
    ]

    assert "Contract added to the register" in sentences
    assert "Year 2022/23 value of £129,500 added" in sentences


def test_importing_the_same_workbook_again_writes_no_history(exported_then_emptied):
    assert import_workbook(exported_then_emptied).written
    before = register_snapshot()

    report = import_workbook(exported_then_emptied)

    assert report.ok and not report.has_changes
    assert register_snapshot() == before


def test_a_database_failure_late_in_the_writing_leaves_nothing_written(
    exported_then_emptied, monkeypatch
):
    def write_then_fail(self, importer, user):
        # The contracts, partners, values and options are written by now, with their history.
        ChildSheet.write(self, importer, user)
        assert Contract.objects.exists() and Contract.history.exists()
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(OutcomesSheet, "write", write_then_fail)
    version = data_version()
    before = register_snapshot()

    report = import_workbook(exported_then_emptied)

    assert not report.written
    assert [str(error) for error in report.errors] == [
        "The register refused the import, so nothing was written: "
        "could not extend file: No space left on device"
    ]
    assert register_snapshot() == before
    assert not ContractMoney.objects.exists() and not ContractYearShare.objects.exists()
    assert data_version() == version


def test_every_imported_contract_has_its_stored_money_even_with_no_values(exported_then_emptied):
    assert import_workbook(exported_then_emptied).ok

    without_values = Contract.objects.filter(values__isnull=True, options__isnull=True)
    assert without_values.exists()
    assert ContractMoney.objects.count() == Contract.objects.count()
    for money in ContractMoney.objects.filter(contract__in=without_values):
        assert (money.total_amount, money.options_amount, money.options_remaining) == (0, 0, False)
    assert Contract.objects.with_stored_money("2024/25").count() == Contract.objects.count()


def test_the_cycle_collector_is_paused_for_an_import_and_left_as_it_was(
    exported_then_emptied, monkeypatch
):
    import gc

    from contracts.workbook import plan

    seen = []
    reading = plan.read_workbook
    monkeypatch.setattr(
        plan, "read_workbook", lambda path: seen.append(gc.isenabled()) or reading(path)
    )
    assert gc.isenabled()

    assert import_workbook(exported_then_emptied).ok
    assert gc.isenabled()
    gc.disable()
    try:
        assert import_workbook(exported_then_emptied, dry_run=True).ok
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]
