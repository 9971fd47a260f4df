"""The stored shares and totals always equal what the values and options derive to."""

import datetime
import importlib
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning.fy import apportion
from contracts.models import (
    Contract,
    ContractMoney,
    ContractValue,
    ContractYearShare,
    ExtensionOption,
    OptionStatus,
    money_written_once,
    write_money,
)
from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
NOTHING = (Decimal(0), Decimal(0), False)


def derived():
    """Shares and totals worked out in Python from the stored values and options."""
    shares = defaultdict(Decimal)
    money = {}
    for contract in Contract.objects.prefetch_related("values", "options"):
        for value in contract.values.all():
            for year, share in apportion(value.amount, value.start_date, value.end_date).items():
                shares[contract.pk, year.start_year] += share
        available = [option for option in contract.options.all() if option.is_available]
        money[contract.pk] = (
            sum((value.amount for value in contract.values.all()), Decimal(0)),
            sum((option.amount or Decimal(0) for option in available), Decimal(0)),
            bool(available),
        )
    return dict(shares), money


def stored():
    shares = {
        (share.contract_id, share.year): share.amount for share in ContractYearShare.objects.all()
    }
    money = {
        row.contract_id: (row.total_amount, row.options_amount, row.options_remaining)
        for row in ContractMoney.objects.all()
    }
    return shares, money


def assert_stored_equals_derived():
    """Shares equal; and every contract has its money row, £0 and no options (NOTHING) when
    it has no values or options."""
    shares, money = stored()
    expected_shares, expected_money = derived()
    assert shares == expected_shares
    assert money == expected_money


amounts = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2, allow_nan=False)
periods = st.tuples(
    st.dates(min_value=D(2018, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=1500),
).map(lambda p: (p[0], p[0] + datetime.timedelta(days=p[1])))
operations = st.one_of(
    st.tuples(st.just("add value"), st.integers(0, 2), amounts, periods),
    st.tuples(st.just("change value"), st.integers(0, 20), amounts, periods),
    st.tuples(st.just("delete value"), st.integers(0, 20)),
    st.tuples(
        st.just("add option"),
        st.integers(0, 2),
        st.one_of(st.none(), amounts),
        periods,
        st.sampled_from(OptionStatus.values),
    ),
    st.tuples(st.just("decide option"), st.integers(0, 20), st.sampled_from(OptionStatus.values)),
    st.tuples(st.just("delete option"), st.integers(0, 20)),
    st.tuples(st.just("delete contract"), st.integers(0, 2)),
)


def nth(queryset, index):
    rows = list(queryset.order_by("pk"))
    return rows[index % len(rows)] if rows else None


def apply(operation, contracts):
    kind, *arguments = operation
    if kind == "add value":
        index, amount, (start, end) = arguments
        contract = contracts[index]
        if Contract.objects.filter(pk=contract.pk).exists():
            ContractValue.objects.create(
                contract=contract, amount=amount, start_date=start, end_date=end
            )
    elif kind == "change value":
        index, amount, (start, end) = arguments
        if value := nth(ContractValue.objects, index):
            value.amount, value.start_date, value.end_date = amount, start, end
            value.save()
    elif kind == "delete value":
        if value := nth(ContractValue.objects, arguments[0]):
            value.delete()
    elif kind == "add option":
        index, amount, (start, end), status = arguments
        contract = contracts[index]
        if Contract.objects.filter(pk=contract.pk).exists():
            ExtensionOption.objects.create(
                contract=contract, amount=amount, start_date=start, end_date=end, status=status
            )
    elif kind == "decide option":
        index, status = arguments
        if option := nth(ExtensionOption.objects, index):
            option.status = status
            option.save()
    elif kind == "delete option":
        if option := nth(ExtensionOption.objects, arguments[0]):
            option.delete()
    elif kind == "delete contract":
        contract = contracts[arguments[0]]
        Contract.objects.filter(pk=contract.pk).delete()


class _RollBack(Exception):
    """Undo one hypothesis example's rows so the next starts from empty tables."""


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(operations, min_size=1, max_size=8))
def test_after_any_edits_the_stored_money_equals_what_the_values_derive_to(steps):
    try:
        with transaction.atomic():
            contracts = [ContractFactory(start_date=None, end_date=None) for _ in range(3)]
            for step in steps:
                apply(step, contracts)
                assert_stored_equals_derived()
            # The rebuild writes the same from scratch.
            before = stored()
            write_money()
            assert stored() == before
            raise _RollBack
    except _RollBack:
        pass


def test_an_edit_writes_its_contract_money_in_the_same_transaction():
    contract = ContractFactory()
    value = ContractValueFactory(contract=contract, year=2023, amount=Decimal("1200"))

    with pytest.raises(RuntimeError), transaction.atomic():
        value.amount = Decimal("9999")
        value.save()
        assert ContractMoney.objects.get(contract=contract).total_amount == Decimal("9999")
        raise RuntimeError

    assert ContractMoney.objects.get(contract=contract).total_amount == Decimal("1200")
    assert ContractYearShare.objects.get(contract=contract, year=2023).amount == Decimal("1200")


def test_exercising_an_option_moves_its_money_from_options_to_values():
    contract = ContractFactory()
    ContractValueFactory(contract=contract, year=2023, amount=Decimal("1000"))
    option = ExtensionOptionFactory(contract=contract, year=2025, amount=Decimal("500"))
    assert ContractMoney.objects.get(contract=contract).options_amount == Decimal("500")

    option.exercise()

    money = ContractMoney.objects.get(contract=contract)
    assert (money.total_amount, money.options_amount, money.options_remaining) == (
        Decimal("1500"),
        Decimal("0"),
        False,
    )
    assert ContractYearShare.objects.get(contract=contract, year=2025).amount == Decimal("500")


def test_rows_written_in_bulk_are_put_right_by_the_rebuild_command():
    contract = ContractFactory()
    ContractValue.objects.bulk_create(
        [ContractValue(contract=contract, amount=Decimal("730"), start_date=D(2023, 10, 1),
                       end_date=D(2024, 9, 30))]
    )  # fmt: skip
    assert not ContractYearShare.objects.exists()

    output = StringIO()
    call_command("rebuild_money", stdout=output)

    assert_stored_equals_derived()
    assert {share.year for share in ContractYearShare.objects.all()} == {2023, 2024}
    assert "1 contract" in output.getvalue()


def test_edits_inside_one_block_write_each_contract_once(django_assert_max_num_queries):
    contract = ContractFactory()
    with money_written_once():
        for year in range(2020, 2026):
            ContractValueFactory(contract=contract, year=year, amount=Decimal("100"))
        assert ContractMoney.objects.get(contract=contract).total_amount == Decimal(0)

    assert ContractMoney.objects.get(contract=contract).total_amount == Decimal("600")
    assert_stored_equals_derived()


def test_a_new_contract_has_its_money_row_of_nothing_in_the_same_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        contract = ContractFactory()
        money = ContractMoney.objects.get(contract=contract)
        assert (money.total_amount, money.options_amount, money.options_remaining) == NOTHING
        raise RuntimeError

    assert not ContractMoney.objects.exists()


def test_contracts_made_inside_one_block_get_their_rows_at_its_end():
    with money_written_once():
        contract = ContractFactory()
        assert not ContractMoney.objects.exists()

    assert ContractMoney.objects.get(contract=contract).total_amount == Decimal(0)


def test_the_migration_gives_a_row_of_nothing_to_every_contract_without_one():
    backfill = importlib.import_module(
        "contracts.migrations.0010_money_row_for_every_contract"
    ).BACKFILL
    bare, valued = ContractFactory(), ContractFactory()
    ContractValueFactory(contract=valued, year=2023, amount=Decimal("700"))
    ContractMoney.objects.filter(contract=bare).delete()

    with connection.cursor() as cursor:
        cursor.execute(backfill)

    assert_stored_equals_derived()
