"""Financial years and money: the one place their arithmetic lives.

A UK public-sector financial year runs from 1 April to 31 March and is written
``2024/25``. Money is ``Decimal`` pounds with pence, never float.

Apportionment rule (used for every value whose period is not one whole
financial year): an amount is shared between the financial years its period
touches in proportion to the number of days of the period that fall in each,
counting both the first and last day. Each share is rounded to the penny and
the last year takes whatever is left, so the shares always add up exactly to
the amount.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")

# Bounds that keep a typed year sensible: the register holds nothing older
# than 1990/91 nor planned beyond 2099/2100.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2099

_FY_PATTERN = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*(?:[/\-–]\s*(\d{2}|\d{4}))?\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year that starts on 1 April of ``start_year``."""

    start_year: int

    def __post_init__(self):
        if not isinstance(self.start_year, int) or isinstance(self.start_year, bool):
            raise TypeError("start_year must be an int")
        if not EARLIEST_YEAR <= self.start_year <= LATEST_YEAR:
            raise ValueError(
                f"{self.start_year} is outside the years the register holds "
                f"({EARLIEST_YEAR}/{(EARLIEST_YEAR + 1) % 100:02d} to "
                f"{LATEST_YEAR}/{(LATEST_YEAR + 1) % 100:02d})."
            )

    @classmethod
    def containing(cls, day):
        """The financial year a date falls in: 31 March 2024 is in 2023/24."""
        if isinstance(day, datetime.datetime):
            day = day.date()
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def current(cls):
        from django.utils import timezone

        return cls.containing(timezone.localdate())

    @classmethod
    def parse(cls, text):
        """Read ``2024/25``, ``2024-25``, ``2024/2025`` or ``2024``; refuse ``2024/26``."""
        if isinstance(text, FinancialYear):
            return text
        if isinstance(text, int) and not isinstance(text, bool):
            return cls(text)
        match = _FY_PATTERN.match(str(text or ""))
        if not match:
            raise ValueError(f"“{text}” is not a financial year: write it as 2024/25.")
        start = int(match.group(1))
        end = match.group(2)
        if end is not None:
            expected = start + 1
            if int(end) != (expected % 100 if len(end) == 2 else expected):
                raise ValueError(
                    f"“{text}” is not a financial year: a year starting in {start} "
                    f"ends in {expected}, so write {start}/{expected % 100:02d}."
                )
        return cls(start)

    @property
    def start(self):
        return datetime.date(self.start_year, 4, 1)

    @property
    def end(self):
        return datetime.date(self.start_year + 1, 3, 31)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def label(self):
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self):
        return self.label

    def __add__(self, years):
        return FinancialYear(self.start_year + years)

    def __sub__(self, years):
        return FinancialYear(self.start_year - years)

    def next(self):
        return self + 1

    def previous(self):
        return self - 1

    def contains(self, day):
        return self.start <= day <= self.end

    @classmethod
    def spanning(cls, start, end):
        """Every financial year that a period from ``start`` to ``end`` touches, in order."""
        first, last = cls.containing(start), cls.containing(end)
        return [cls(year) for year in range(first.start_year, last.start_year + 1)]

    @classmethod
    def is_whole_year(cls, start, end):
        """True when the period is exactly one financial year, 1 April to 31 March.

        A period outside the years the register holds is never "a financial year",
        so that labelling a typed-in 1850 (an invalid form shown back) cannot fail.
        """
        return (
            EARLIEST_YEAR <= start.year <= LATEST_YEAR
            and start.month == 4
            and start.day == 1
            and end == cls(start.year).end
        )


def overlap_days(start, end, other_start, other_end):
    """Days (inclusive) that two periods share; 0 when they do not meet."""
    first = max(start, other_start)
    last = min(end, other_end)
    return max((last - first).days + 1, 0)


def to_pennies(amount):
    return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def _cumulative_share(amount, start, total_days, through):
    """The rounded part of ``amount`` spent from ``start`` up to and including ``through``."""
    days = min(max((through - start).days + 1, 0), total_days)
    return to_pennies(amount * days / total_days)


def amount_in_year(amount, start, end, year):
    """The part of ``amount``, spent evenly from ``start`` to ``end``, that falls in ``year``.

    Cumulative rounding (the share up to the end of this year less the share up
    to the end of the year before, each rounded to the penny) makes every share
    computable on its own, in Python or in SQL, and the shares add up exactly.
    """
    amount = Decimal(amount)
    total_days = (end - start).days + 1
    through_year = _cumulative_share(amount, start, total_days, year.end)
    before_year = _cumulative_share(amount, start, total_days, year.start - datetime.timedelta(1))
    return through_year - before_year


def apportion(amount, start, end):
    """Split ``amount`` over the financial years from ``start`` to ``end`` by days.

    Returns ``{FinancialYear: Decimal}`` whose values add up exactly to ``amount``.
    """
    return {
        year: amount_in_year(amount, start, end, year)
        for year in FinancialYear.spanning(start, end)
    }


_MONEY_PATTERN = re.compile(r"^\s*£?\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(k|m)?\s*$")
_NEGATIVE_PATTERN = re.compile(r"^\s*£?\s*[-−]")


def parse_money(text):
    """Read ``1234.5``, ``£1,234.56``, ``£83.2k`` as Decimal pounds; refuse anything else.

    Negative amounts are refused: the register holds none (the database forbids
    them), so a minus sign is a typing mistake, not a credit.
    """
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        return Decimal(str(text))
    text = str(text or "").replace("\u00a0", " ")
    if _NEGATIVE_PATTERN.match(text):
        raise ValueError(f"“{text}” is negative: amounts in the register are never below £0.")
    match = _MONEY_PATTERN.match(text.lower())
    if not match:
        raise ValueError(f"“{text}” is not an amount of money: write it like £1,234.56.")
    digits = match.group(1)
    if "," in digits and not re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?", digits):
        raise ValueError(f"“{text}” has its thousands separators in the wrong places.")
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"“{text}” is not an amount of money.") from None
    multiplier = {"k": Decimal(1000), "m": Decimal(1000000)}.get(match.group(2), Decimal(1))
    value *= multiplier
    if value != value.quantize(PENNY):
        raise ValueError(f"“{text}” has fractions of a penny: give at most two decimal places.")
    return value


def format_money(amount, pence=None):
    """``£1,234,567`` for whole pounds, ``£1,234.50`` where pence are stated."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if pence is None:
        pence = amount != amount.to_integral_value()
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    if pence:
        return f"{sign}£{to_pennies(amount):,.2f}"
    return f"{sign}£{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,.0f}"
