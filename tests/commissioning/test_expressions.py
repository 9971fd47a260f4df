"""The SQL apportionment agrees with the Python one to the penny, on SQLite and PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning import expressions
from commissioning.fy import EARLIEST_YEAR, LATEST_YEAR, FinancialYear, amount_in_year
from contracts.models import Contract, ContractValue
from tests.factories import ContractFactory, ContractValueFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def sql_shares(year):
    """``{pk: share}`` of every stored value in ``year``, computed by the database."""
    rows = ContractValue.objects.annotate(share=expressions.amount_in_year(year))
    return {row.pk: row.share for row in rows}


def store(periods):
    contract = ContractFactory(start_date=None, end_date=None)
    return ContractValue.objects.bulk_create(
        ContractValue(contract=contract, amount=amount, start_date=start, end_date=end)
        for amount, start, end in periods
    )


def assert_sql_matches_python(values):
    years = {
        year
        for value in values
        for year in FinancialYear.spanning(value.start_date, value.end_date)
    }
    if min(years).start_year > EARLIEST_YEAR:
        years.add(min(years) - 1)
    if max(years).start_year < LATEST_YEAR:
        years.add(max(years) + 1)
    for year in sorted(years):
        in_sql = sql_shares(year)
        for value in values:
            expected = amount_in_year(value.amount, value.start_date, value.end_date, year)
            assert in_sql[value.pk] == expected, (str(year), value.amount, value.period_label)


@pytest.mark.parametrize(
    ("amount", "start", "end"),
    [
        (Decimal("129500.00"), D(2022, 4, 1), D(2023, 3, 31)),  # one whole year
        (Decimal("83200.00"), D(2023, 1, 1), D(2023, 12, 31)),  # 12 months across a year end
        (Decimal("55171.50"), D(2022, 10, 1), D(2023, 9, 30)),
        (Decimal("0.01"), D(2024, 3, 31), D(2024, 4, 1)),  # half a penny each side
        (Decimal("100.01"), D(2024, 3, 31), D(2024, 4, 1)),
        (Decimal("1.05"), D(2024, 3, 31), D(2024, 4, 1)),
        (Decimal("0.03"), D(2024, 3, 30), D(2024, 4, 1)),
        (Decimal("900.00"), D(2024, 2, 1), D(2024, 4, 30)),  # includes 29 February
        (Decimal("12.34"), D(2024, 2, 29), D(2024, 2, 29)),  # one day
        (Decimal("999999999999.99"), D(1990, 4, 1), D(2100, 3, 31)),  # the extremes
        (Decimal("1000000000.00"), D(1990, 4, 1), D(2100, 3, 31)),
        (Decimal("999999999.99"), D(2023, 4, 2), D(2024, 4, 1)),
        (Decimal("0.00"), D(2022, 4, 1), D(2025, 3, 31)),
    ],
)
def test_sql_apportions_exactly_as_python_does(amount, start, end):
    assert_sql_matches_python(store([(amount, start, end)]))


def test_sql_total_for_a_year_adds_the_shares_of_every_value():
    store(
        [
            (Decimal("1000.00"), D(2023, 4, 1), D(2024, 3, 31)),
            (Decimal("900.00"), D(2024, 2, 1), D(2024, 4, 30)),
            (Decimal("500.00"), D(2021, 4, 1), D(2022, 3, 31)),
        ]
    )
    assert ContractValue.objects.total_in_year(FinancialYear(2023)) == Decimal("1600.00")
    assert ContractValue.objects.total_in_year("2024/25") == Decimal("300.00")
    assert ContractValue.objects.total_in_year(2020) == Decimal("0.00")


periods = st.tuples(
    st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False),
    st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=2000),
).map(lambda p: (p[0], p[1], p[1] + datetime.timedelta(days=p[2])))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(periods, min_size=1, max_size=15))
def test_sql_and_python_agree_to_the_penny_for_any_periods(batch):
    try:
        with transaction.atomic():
            assert_sql_matches_python(store(batch))
            raise _RollBack
    except _RollBack:
        pass


class _RollBack(Exception):
    """Undo one hypothesis example's rows so the next starts from an empty table."""


def test_sums_computed_in_sql_read_back_as_pounds_and_pence_exactly():
    contract = ContractFactory()
    for amount in ("0.10", "0.20", "1234.01"):
        ContractValueFactory(contract=contract, year=2023, amount=Decimal(amount))
    row = Contract.objects.with_value_in("2023/24").with_totals().get()
    # str(), as an export or a bare {{ value }} shows it: no trailing float digits.
    assert str(row.value_in_year) == "1234.31"
    assert str(row.total_amount) == "1234.31"
    assert str(ContractValue.objects.total_in_year("2023/24")) == "1234.31"
