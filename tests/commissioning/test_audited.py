"""Audited models' querysets refuse the bulk writes that would leave no history."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

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
