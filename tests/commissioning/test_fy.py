"""Financial years and money: the edges the register's arithmetic must get right."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.formats import format_money
from commissioning.fy import (
    FinancialYear,
    amount_in_year,
    apportion,
    is_plain_money,
    parse_amount,
    parse_date,
    parse_money,
)

D = datetime.date


# FinancialYear -------------------------------------------------------------


def test_31_march_belongs_to_the_year_that_started_the_april_before():
    assert FinancialYear.containing(D(2024, 3, 31)) == FinancialYear(2023)


def test_1_april_starts_a_new_financial_year():
    assert FinancialYear.containing(D(2024, 4, 1)) == FinancialYear(2024)


def test_a_datetime_is_placed_by_its_date():
    assert FinancialYear.containing(datetime.datetime(2025, 3, 31, 23, 59)) == FinancialYear(2024)


def test_a_year_runs_from_1_april_to_31_march_and_is_written_with_two_digits():
    year = FinancialYear(2024)
    assert year.start == D(2024, 4, 1)
    assert year.end == D(2025, 3, 31)
    assert str(year) == "2024/25"


def test_the_year_ending_in_a_leap_february_has_366_days():
    assert FinancialYear(2023).days == 366
    assert FinancialYear(2024).days == 365
    assert FinancialYear.containing(D(2024, 2, 29)) == FinancialYear(2023)


def test_the_turn_of_the_century_is_written_00():
    assert str(FinancialYear(2099)) == "2099/00"


@pytest.mark.parametrize(
    "text",
    [
        "2024/25",
        "2024-25",
        "2024/2025",
        "2024",
        " 2024/25 ",
        "FY2024/25",
        "24/25",
        "FY24-25",
        "FY2024",
    ],
)
def test_it_reads_the_ways_people_write_a_year(text):
    assert FinancialYear.parse(text) == FinancialYear(2024)


@pytest.mark.parametrize(
    "text", ["2024/26", "24/26", "24", "1850/51", "abc", "", "2024/2026", "2024/5", "24/2026"]
)
def test_it_refuses_text_that_is_not_a_year_it_holds(text):
    with pytest.raises(ValueError):
        FinancialYear.parse(text)


def test_it_explains_how_to_write_a_mismatched_year():
    with pytest.raises(ValueError, match="2024/25"):
        FinancialYear.parse("2024/26")


def test_parse_accepts_a_year_object_or_a_start_year():
    assert FinancialYear.parse(FinancialYear(2022)) == FinancialYear(2022)
    assert FinancialYear.parse(2022) == FinancialYear(2022)


def test_a_year_refuses_anything_but_a_whole_year():
    with pytest.raises(TypeError):
        FinancialYear("2024")
    with pytest.raises(TypeError):
        FinancialYear(True)


def test_years_order_and_step():
    assert FinancialYear(2023) < FinancialYear(2024)
    assert FinancialYear(2023).next() == FinancialYear(2024)
    assert FinancialYear(2023).previous() == FinancialYear(2022)
    assert FinancialYear(2023) + 2 == FinancialYear(2025)


def test_a_year_contains_its_first_and_last_day_only():
    year = FinancialYear(2023)
    assert year.contains(D(2023, 4, 1))
    assert year.contains(D(2024, 3, 31))
    assert not year.contains(D(2023, 3, 31))
    assert not year.contains(D(2024, 4, 1))


def test_a_period_spans_every_year_it_touches():
    assert FinancialYear.spanning(D(2022, 3, 31), D(2024, 4, 1)) == [
        FinancialYear(2021),
        FinancialYear(2022),
        FinancialYear(2023),
        FinancialYear(2024),
    ]


def test_a_whole_year_is_exactly_1_april_to_31_march():
    assert FinancialYear.is_whole_year(D(2023, 4, 1), D(2024, 3, 31))
    assert not FinancialYear.is_whole_year(D(2023, 4, 1), D(2024, 3, 30))
    assert not FinancialYear.is_whole_year(D(2023, 4, 2), D(2024, 3, 31))
    assert not FinancialYear.is_whole_year(D(2023, 4, 1), D(2025, 3, 31))


# Apportionment -------------------------------------------------------------


def test_a_whole_year_value_falls_entirely_in_its_year():
    assert apportion(Decimal("129500"), D(2022, 4, 1), D(2023, 3, 31)) == {
        FinancialYear(2022): Decimal("129500.00")
    }


def test_a_period_ending_on_31_march_stays_in_one_year():
    shares = apportion(Decimal("1000"), D(2023, 10, 1), D(2024, 3, 31))
    assert shares == {FinancialYear(2023): Decimal("1000.00")}


def test_a_period_starting_on_31_march_puts_one_day_in_the_earlier_year():
    # 31 March 2024 to 1 April 2024: two days, one each side of the year end.
    shares = apportion(Decimal("100.01"), D(2024, 3, 31), D(2024, 4, 1))
    assert shares == {FinancialYear(2023): Decimal("50.01"), FinancialYear(2024): Decimal("50.00")}


def test_a_mid_year_start_is_split_by_days_in_each_year():
    # £83.2k for 12 months, January to December 2023: 90 days in 2022/23, 275 in 2023/24.
    shares = apportion(Decimal("83200"), D(2023, 1, 1), D(2023, 12, 31))
    assert shares == {
        FinancialYear(2022): Decimal("20515.07"),
        FinancialYear(2023): Decimal("62684.93"),
    }
    assert sum(shares.values()) == Decimal("83200")


def test_a_leap_day_counts_as_a_day():
    # 1 Feb to 30 Apr 2024 is 29 + 31 + 30 = 90 days, 60 of them in 2023/24.
    shares = apportion(Decimal("900"), D(2024, 2, 1), D(2024, 4, 30))
    assert shares == {
        FinancialYear(2023): Decimal("600.00"),
        FinancialYear(2024): Decimal("300.00"),
    }


def test_a_single_day_period_keeps_the_whole_amount():
    assert apportion(Decimal("12.34"), D(2024, 2, 29), D(2024, 2, 29)) == {
        FinancialYear(2023): Decimal("12.34")
    }


def test_a_three_year_period_adds_up_to_the_penny():
    shares = apportion(Decimal("100000.00"), D(2022, 7, 1), D(2025, 6, 30))
    assert list(shares) == [FinancialYear(y) for y in (2022, 2023, 2024, 2025)]
    assert sum(shares.values()) == Decimal("100000.00")
    assert all(share == share.quantize(Decimal("0.01")) for share in shares.values())


def test_a_year_outside_the_period_gets_nothing():
    assert amount_in_year(Decimal("500"), D(2023, 4, 1), D(2024, 3, 31), FinancialYear(2021)) == 0
    assert amount_in_year(Decimal("500"), D(2023, 4, 1), D(2024, 3, 31), FinancialYear(2025)) == 0


dates = st.dates(min_value=D(1995, 1, 1), max_value=D(2060, 12, 31))
amounts = st.decimals(
    min_value=Decimal("0"), max_value=Decimal("999999999.99"), places=2, allow_nan=False
)


@given(amount=amounts, first=dates, last=dates)
def test_apportioned_shares_always_add_up_exactly_to_the_amount(amount, first, last):
    start, end = min(first, last), max(first, last)
    shares = apportion(amount, start, end)
    assert sum(shares.values()) == amount
    assert all(Decimal(0) <= share <= amount for share in shares.values())
    assert all(share == share.quantize(Decimal("0.01")) for share in shares.values())


# Money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pounds"),
    [
        ("£1,234.56", Decimal("1234.56")),
        ("1234.5", Decimal("1234.50")),
        ("£83.2k", Decimal("83200")),
        ("£1.2m", Decimal("1200000")),
        ("£55,171.50", Decimal("55171.50")),
        ("  £ 994,502 ", Decimal("994502")),
        ("£130K", Decimal("130000")),
        ("£1,000,000", Decimal("1000000")),
        ("0", Decimal("0")),
        (".5", Decimal("0.50")),
        ("£1.2345k", Decimal("1234.50")),
    ],
)
def test_it_reads_money_as_people_write_it(text, pounds):
    assert parse_money(text) == pounds


@pytest.mark.parametrize(
    "text",
    ["12,34", "1,2345", "abc", "£", "", None, "£1.2.3", "1e5", "£12.345", "£1.2345678k", "£--5"],
)
def test_it_refuses_text_that_is_not_money(text):
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize("text", ["-5", "-£5", "£-5", "−£5"])
def test_it_refuses_negative_amounts_because_the_register_holds_none(text):
    with pytest.raises(ValueError, match="negative"):
        parse_money(text)


def test_money_keeps_pence_exactly_and_never_uses_float():
    assert parse_money("£0.10") + parse_money("£0.20") == Decimal("0.30")
    assert isinstance(parse_money("£1"), Decimal)


def test_money_is_formatted_in_whole_pounds_unless_it_has_pence():
    assert format_money(Decimal("994502")) == "£994,502"
    assert format_money(Decimal("994502.00")) == "£994,502"
    assert format_money(Decimal("55171.5")) == "£55,171.50"
    assert format_money(Decimal("1234.56")) == "£1,234.56"
    assert format_money(Decimal("0")) == "£0"


def test_pence_can_be_forced_on_or_off():
    assert format_money(Decimal("1234"), pence=True) == "£1,234.00"
    assert format_money(Decimal("1234.5"), pence=False) == "£1,235"


def test_a_negative_difference_is_shown_with_a_minus_sign_before_the_pound():
    assert format_money(Decimal("-1234.5")) == "−£1,234.50"


def test_no_amount_is_shown_as_nothing():
    assert format_money(None) == ""


@given(amounts)
def test_formatted_money_reads_back_as_the_same_amount(amount):
    assert parse_money(format_money(amount)) == amount


def test_two_digit_years_are_read_within_the_years_the_register_holds():
    assert FinancialYear.parse("17/18") == FinancialYear(2017)
    assert FinancialYear.parse("95/96") == FinancialYear(1995)
    assert FinancialYear.parse("99/00") == FinancialYear(1999)


@pytest.mark.parametrize(
    ("text", "pounds", "per_annum"),
    [
        ("£2.2m", Decimal("2200000"), False),
        ("£6.6 million", Decimal("6600000"), False),
        ("£6.6 Million", Decimal("6600000"), False),
        ("2,200,000.00", Decimal("2200000"), False),
        ("£83.2k", Decimal("83200"), False),
        ("£1,234 pa", Decimal("1234"), True),
        ("£1,234 p.a.", Decimal("1234"), True),
        ("£40,357.93 per annum", Decimal("40357.93"), True),
        ("£30k a year", Decimal("30000"), True),
        ("GBP 500", Decimal("500"), False),
    ],
)
def test_it_reads_the_forms_people_write_in_their_own_spreadsheets(text, pounds, per_annum):
    amount = parse_amount(text)
    assert (amount.value, amount.per_annum) == (pounds, per_annum)
    assert parse_money(text) == pounds
    assert not is_plain_money(text) or text == "2,200,000.00"


@pytest.mark.parametrize("text", ["£2.2 bananas", "£1,234 pa pa", "a year", "£1m2", "million"])
def test_lenient_money_still_refuses_what_is_not_money(text):
    with pytest.raises(ValueError):
        parse_money(text)


@pytest.mark.parametrize(
    ("text", "day", "month_only"),
    [
        ("2017-04-01", datetime.date(2017, 4, 1), False),
        ("1st April 2017", datetime.date(2017, 4, 1), False),
        ("31st March 2025", datetime.date(2025, 3, 31), False),
        ("01/04/2017", datetime.date(2017, 4, 1), False),
        ("1/4/17", datetime.date(2017, 4, 1), False),
        ("16/10/23", datetime.date(2023, 10, 16), False),
        ("1 Apr 2017", datetime.date(2017, 4, 1), False),
        ("April 1st, 2017", datetime.date(2017, 4, 1), False),
        ("April 2017", datetime.date(2017, 4, 1), True),
        ("Sept 2024", datetime.date(2024, 9, 1), True),
        (datetime.date(2017, 4, 1), datetime.date(2017, 4, 1), False),
        (datetime.datetime(2017, 4, 1, 0, 0), datetime.date(2017, 4, 1), False),
    ],
)
def test_it_reads_dates_as_people_in_the_uk_write_them(text, day, month_only):
    parsed = parse_date(text)
    assert (parsed.day, parsed.month_only) == (day, month_only)


def test_a_month_alone_ends_on_its_last_day_when_it_ends_a_period():
    assert parse_date("February 2024", end=True).day == datetime.date(2024, 2, 29)
    assert parse_date("March 2025", end=True).day == datetime.date(2025, 3, 31)
    assert parse_date("March 2025").day == datetime.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/2017", "not a real date"),
        ("2017-13-01", "not a real date"),
        ("04/2017", "is not a date"),
        ("next spring", "is not a date"),
        ("", "is not a date"),
    ],
)
def test_it_refuses_what_is_not_a_date(text, message):
    with pytest.raises(ValueError, match=message):
        parse_date(text)
