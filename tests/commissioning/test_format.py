"""The |money, |fy and |uk_date filters every template uses without {% load %}."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.template import engines

from commissioning.fy import FinancialYear


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("994502"), "£994,502"),
        (Decimal("55171.50"), "£55,171.50"),
        (Decimal("1234.56"), "£1,234.56"),
        (Decimal("0.00"), "£0"),
        (130000, "£130,000"),
        ("83200.5", "£83,200.50"),
    ],
)
def test_money_shows_pounds_with_thousands_separators(amount, shown):
    assert render("{{ amount|money }}", amount=amount) == shown


def test_money_can_force_pence_on_a_whole_amount():
    assert render("{{ amount|money:True }}", amount=Decimal("1234")) == "£1,234.00"


@pytest.mark.parametrize("amount", [None, "", "negotiated yearly"])
def test_money_shows_nothing_for_no_amount_or_text_that_is_not_one(amount):
    assert render("{{ amount|money }}", amount=amount) == ""


def test_money_is_html_safe_text_without_markup():
    assert render("<td>{{ amount|money }}</td>", amount=Decimal("-5")) == "<td>−£5</td>"


@pytest.mark.parametrize(
    ("year", "shown"),
    [
        (FinancialYear(2024), "2024/25"),
        (2023, "2023/24"),
        ("2022-23", "2022/23"),
        (datetime.date(2024, 3, 31), "2023/24"),
        (datetime.date(2024, 4, 1), "2024/25"),
        (datetime.date(2024, 2, 29), "2023/24"),
    ],
)
def test_fy_writes_a_financial_year_the_uk_public_sector_way(year, shown):
    assert render("{{ year|fy }}", year=year) == shown


@pytest.mark.parametrize("year", [None, "", "abc", "2024/26", 1850])
def test_fy_shows_nothing_rather_than_failing_the_page(year):
    assert render("{{ year|fy }}", year=year) == ""


def test_uk_date_writes_the_day_month_and_year_without_a_leading_zero():
    assert render("{{ day|uk_date }}", day=datetime.date(2025, 3, 1)) == "1 March 2025"
    assert render("{{ day|uk_date }}", day=datetime.date(2024, 2, 29)) == "29 February 2024"


def test_uk_date_shows_a_moment_in_uk_time():
    # 23:30 UTC on 31 March 2024 is already 1 April in British Summer Time.
    moment = datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC)
    assert render("{{ moment|uk_date }}", moment=moment) == "1 April 2024"
    london = zoneinfo.ZoneInfo("Europe/London")
    assert render("{{ m|uk_date }}", m=datetime.datetime(2024, 1, 5, 9, tzinfo=london)) == (
        "5 January 2024"
    )


@pytest.mark.parametrize("day", [None, "", "not a date"])
def test_uk_date_shows_nothing_for_no_date(day):
    assert render("{{ day|uk_date }}", day=day) == ""
