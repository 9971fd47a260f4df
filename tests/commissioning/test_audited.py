"""Audited models' querysets refuse the bulk writes that would leave no history."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Upper

from commissioning.audited import AuditedQuerySet, UnrecordedWrite
from contracts.models import Contract, ContractValue
from providers.models import Provider
from tests.factories import ContractFactory, ContractValueFactory

pytestmark = pytest.mark.django_db


def test_simple_history_misses_a_bulk_update_which_is_why_it_is_refused():
    contract = ContractFactory(title="Before")
    # A plain QuerySet (what bench/seed.py builds on purpose) writes without a trace:
    models.QuerySet(Contract).filter(pk=contract.pk).update(title="After")
    assert contract.history.count() == 1
    assert contract.history.get().title == "Before"


def test_update_on_a_queryset_held_in_a_variable_is_refused_and_changes_nothing():
    contract = ContractFactory(title="Victim support", status="live")
    live = Contract.objects.filter(status="live")

    with pytest.raises(UnrecordedWrite, match=r"update\(\) on contracts is refused.*history"):
        live.update(status="ended")

    contract.refresh_from_db()
    assert contract.status == "live"


def test_update_through_a_related_manager_is_refused():
    value = ContractValueFactory(amount=Decimal("100"))
    with pytest.raises(UnrecordedWrite, match="Save each contract value instead"):
        value.contract.values.update(amount=Decimal("200"))
    value.refresh_from_db()
    assert value.amount == Decimal("100")


def test_bulk_update_is_refused():
    provider = Provider.objects.create(name="Age UK")
    provider.name = "Age UK Cumbria"
    with pytest.raises(UnrecordedWrite, match=r"bulk_update\(\) on providers is refused"):
        Provider.objects.bulk_update([provider], ["name"])
    assert Provider.objects.get().name == "Age UK"


def test_saving_one_record_at_a_time_is_recorded():
    value = ContractValueFactory(amount=Decimal("100"))
    value.amount = Decimal("200")
    value.save()
    assert [record.amount for record in value.history.all()] == [Decimal("200"), Decimal("100")]
    assert ContractValue.objects.get().amount == Decimal("200")


def test_every_model_that_keeps_a_history_refuses_bulk_updates():
    audited = [
        model
        for model in apps.get_models()
        if hasattr(model, "history") and not model.__name__.startswith("Historical")
    ]
    assert Contract in audited and Provider in audited
    unguarded = [
        model.__name__
        for model in audited
        if not isinstance(model._default_manager.all(), AuditedQuerySet)
    ]
    assert unguarded == []


def history_fields(
    record,
    skipped=("history_id", "history_date", "id", "created_at", "updated_at", "reference", "name"),
):
    """A history row's fields, less its own id and moments, and what is unique to its row."""
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.attname not in skipped
    }


@pytest.mark.parametrize("model", [Contract, ContractValue, Provider])
def test_rows_created_in_bulk_get_the_history_rows_simple_history_would_write(
    model, django_user_model
):
    from simple_history.utils import bulk_create_with_history

    editor = django_user_model.objects.create(username="editor")
    parts = ContractFactory(reference="PARTS")
    ours = model.objects.bulk_create_recorded(unsaved_rows(model, parts), user=editor)
    theirs = bulk_create_with_history(unsaved_rows(model, parts), model, default_user=editor)

    def history_of(rows):
        records = model.history.filter(id__in=[row.pk for row in rows]).order_by("id")
        return [history_fields(record) for record in records]

    assert len(history_of(ours)) == 2
    assert history_of(ours) == history_of(theirs)
    for row in ours:
        record = model.history.get(id=row.pk)
        stored = model.objects.get(pk=row.pk)
        assert {
            field.attname: getattr(record, field.attname)
            for field in model.history.model.tracked_fields
        } == {
            field.attname: getattr(stored, field.attname)
            for field in model.history.model.tracked_fields
        }
        assert (record.history_type, record.history_user, record.history_change_reason) == (
            "+",
            editor,
            None,
        )


def unsaved_rows(model, parts):
    """Two unsaved rows of ``model``, the same each time it is called but for unique names."""
    if model is ContractValue:
        return [
            ContractValue(
                contract=parts,
                start_date=datetime.date(2020 + number, 4, 1),
                end_date=datetime.date(2021 + number, 3, 31),
                amount=Decimal("1000.50"),
            )
            for number in range(2)
        ]
    if model is Contract:
        return [
            ContractFactory.build(
                reference=f"{Contract.objects.count()}-{number}",
                title="Victim support",
                category=parts.category,
                lead_provider=parts.lead_provider,
                lead_commissioner=parts.lead_commissioner,
            )
            for number in range(2)
        ]
    return [Provider(name=f"{Provider.objects.count()} {number}") for number in range(2)]


def test_rows_created_in_bulk_without_a_user_are_recorded_without_one():
    [provider] = Provider.objects.bulk_create_recorded([Provider(name="Age UK")])
    assert provider.history.get().history_user is None
    assert provider.history.get().name == "Age UK"


def stored_fields(model, rows):
    skipped = {"id", "created_at", "updated_at", "reference", "name"}
    return [
        {
            field.attname: getattr(stored, field.attname)
            for field in model._meta.concrete_fields
            if field.attname not in skipped
        }
        for stored in model.objects.filter(pk__in=[row.pk for row in rows]).order_by("pk")
    ]


@pytest.mark.parametrize("model", [Contract, ContractValue, Provider])
def test_rows_created_in_bulk_are_stored_as_bulk_create_stores_them_without_calling_it(
    model, monkeypatch
):
    parts = ContractFactory(reference="PARTS")
    theirs = models.QuerySet(model).bulk_create(unsaved_rows(model, parts))

    def not_called(*args, **kwargs):
        raise AssertionError("bulk_create compiled the INSERT")

    monkeypatch.setattr(AuditedQuerySet, "bulk_create", not_called)
    ours = model.objects.bulk_create_recorded(unsaved_rows(model, parts))

    assert all(row.pk is not None and not row._state.adding for row in ours)
    assert stored_fields(model, ours) == stored_fields(model, theirs)
    assert [row.pk for row in ours] == sorted(row.pk for row in ours)


def test_a_value_given_as_an_expression_is_left_to_bulk_create():
    [provider] = Provider.objects.bulk_create_recorded([Provider(name=Upper(Value("age uk")))])

    assert Provider.objects.get(pk=provider.pk).name == "AGE UK"
    assert provider.history.get().name == "AGE UK"
