"""The one formatter for dates, money and financial years, and what reaches users through it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from commissioning.formats import (
    format_date,
    format_financial_year,
    format_money,
    looks_like_formula,
    spreadsheet_safe,
)
from commissioning.fy import FinancialYear
from contracts.models import ContractValue, ExtensionOption
from tests.factories import ContractValueFactory, ExtensionOptionFactory

D = datetime.date


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (D(2024, 4, 1), "1 April 2024"),
        (D(2024, 2, 29), "29 February 2024"),
        (D(2025, 3, 31), "31 March 2025"),
        (None, ""),
    ],
)
def test_a_date_has_no_leading_zero_and_its_month_in_words(day, written):
    assert format_date(day) == written


def test_money_shows_whole_pounds_where_there_are_no_pence():
    assert format_money(Decimal("130000.00")) == "£130,000"
    assert format_money(Decimal("55171.50")) == "£55,171.50"


@pytest.mark.parametrize(
    "year", [FinancialYear(2024), 2024, "2024-25", D(2024, 4, 1), D(2025, 3, 31)]
)
def test_a_financial_year_is_written_2024_25(year):
    assert format_financial_year(year) == "2024/25"


@pytest.mark.parametrize("text", ["=1+1", "+44 1234", "-10%", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_recognised_and_made_plain(text):
    assert looks_like_formula(text)
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Victim support", "", "a=b", 5, None])
def test_anything_else_is_left_alone(value):
    assert not looks_like_formula(value)
    assert spreadsheet_safe(value) == value


@pytest.mark.django_db
def test_a_validation_message_writes_dates_the_same_way():
    value = ContractValueFactory.build(start_date=D(2024, 4, 1), end_date=D(2024, 3, 1))
    with pytest.raises(ValidationError) as error:
        value.clean()
    assert "ends (1 March 2024) before it starts (1 April 2024)" in str(error.value)


@pytest.mark.django_db
def test_values_and_options_name_their_money_in_whole_pounds_as_the_pages_do():
    value = ContractValueFactory(year=2024, amount=Decimal("130000.00"))
    option = ExtensionOptionFactory(contract=value.contract, year=2025, amount=Decimal("130000"))
    assert str(ContractValue.objects.get(pk=value.pk)) == "2024/25: £130,000"
    assert str(ExtensionOption.objects.get(pk=option.pk)) == "Option 2025/26: £130,000"


def test_a_period_that_is_not_a_whole_year_is_written_as_two_dates():
    value = ContractValueFactory.build(start_date=D(2022, 4, 1), end_date=D(2023, 9, 30))
    assert value.period_label == "1 April 2022 to 30 September 2023"
