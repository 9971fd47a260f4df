"""Random amounts and dates: either valid and saved, or a ValidationError, never a crash."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.models import ContractValue, ExtensionOption
from outcomes.models import Outcome
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
amounts = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-1000, max_value=10**13, places=2),
    st.sampled_from([Decimal("0"), Decimal("0.001"), Decimal("1000000000.01"), Decimal("1E+20")]),
)
dates = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
likely_dates = st.dates(min_value=datetime.date(1985, 1, 1), max_value=datetime.date(2105, 1, 1))


def validated_save(instance):
    """What every form does: full_clean() then save(); returns True when it was stored."""
    try:
        instance.full_clean()
    except ValidationError as error:
        assert error.message_dict, "a ValidationError must say which field is wrong"
        return False
    with transaction.atomic():
        instance.save()  # an IntegrityError here would mean clean() let bad data through
    return True


@pytest.fixture
def contract():
    return ContractFactory()


@FUZZ
@given(amount=amounts, start=st.one_of(dates, likely_dates), end=st.one_of(dates, likely_dates))
def test_a_contract_value_is_either_valid_or_refused_with_a_message(contract, amount, start, end):
    value = ContractValue(contract=contract, amount=amount, start_date=start, end_date=end)
    if validated_save(value):
        assert Decimal(0) <= value.amount <= Decimal(1000000000)
        assert value.start_date <= value.end_date
        assert value.period_label  # and it can be shown


@FUZZ
@given(
    amount=st.one_of(st.none(), amounts),
    start=likely_dates,
    end=likely_dates,
    status=st.sampled_from(["available", "exercised", "declined", "lapsed"]),
)
def test_an_extension_option_is_either_valid_or_refused_with_a_message(
    contract, amount, start, end, status
):
    option = ExtensionOption(
        contract=contract, amount=amount, start_date=start, end_date=end, status=status
    )
    validated_save(option)


@FUZZ
@given(
    value=st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False)),
    unit=st.sampled_from(["", "percent", "count", "pounds"]),
    numerator=st.one_of(st.none(), st.integers(min_value=-5, max_value=3_000_000_000)),
    denominator=st.one_of(st.none(), st.integers(min_value=-5, max_value=3_000_000_000)),
    period_start=st.one_of(st.none(), likely_dates),
    period_end=st.one_of(st.none(), likely_dates),
)
def test_an_outcome_is_either_valid_or_refused_with_a_message(
    contract, value, unit, numerator, denominator, period_start, period_end
):
    outcome = Outcome(
        contract=contract,
        kind="result",
        text="Clients felt safer",
        value=value,
        unit=unit,
        numerator=numerator,
        denominator=denominator,
        period_start=period_start,
        period_end=period_end,
    )
    if validated_save(outcome) and unit == "percent" and value is not None:
        assert 0 <= outcome.value <= 100
