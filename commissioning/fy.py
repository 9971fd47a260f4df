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

import calendar
import datetime
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")

# Bounds that keep a typed year sensible: the register holds nothing older
# than 1990/91 nor planned beyond 2099/2100.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2099

_FY_PATTERN = re.compile(
    r"^\s*(?:FY\s*)?(\d{4}|\d{2}(?=\s*[/\-–]))\s*(?:[/\-–]\s*(\d{2}|\d{4}))?\s*$",
    re.IGNORECASE,
)


def _full_year(two_or_four_digits):
    """``17`` is 2017 and ``95`` is 1995 (the register holds 1990/91 to 2099/00); ``2017`` is 2017."""
    year = int(two_or_four_digits)
    if len(two_or_four_digits) == 2:
        year += 1900 if year >= EARLIEST_YEAR % 100 else 2000
    return year


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
        """Read ``2024/25``, ``2024-25``, ``2024/2025``, ``24/25``, ``FY2024`` or ``2024``; refuse ``2024/26``."""
        if isinstance(text, FinancialYear):
            return text
        if isinstance(text, int) and not isinstance(text, bool):
            return cls(text)
        match = _FY_PATTERN.match(str(text or ""))
        if not match:
            raise ValueError(f"“{text}” is not a financial year: write it as 2024/25.")
        start = _full_year(match.group(1))
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


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_DAY_MONTH_YEAR = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+" + _MONTH + r",?[\s\-]+(\d{4})$"
)
_MONTH_DAY_YEAR = re.compile(r"^" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^" + _MONTH + r"[\s\-]+(\d{4})$")


@dataclass(frozen=True)
class ParsedDate:
    """A date read from text: the day, and how sure the reading is.

    ``month_only`` when only a month was written (``April 2017``): the day is
    the first of the month for a start and the last for an end, an assumption a
    person should confirm. ``plain`` when it was written the one unambiguous
    way (a real spreadsheet date or ``2017-04-01``).
    """

    day: datetime.date
    month_only: bool = False
    plain: bool = False


def parse_date(text, end=False):
    """Read a date as people in the UK write it; ``end`` says it ends a period.

    ``2017-04-01``, ``01/04/2017`` and ``1/4/17`` (day first), ``1st April 2017``,
    ``1 Apr 2017``, ``April 1st, 2017``, and ``April 2017`` (the 1st, or the last
    day of the month when ``end``). Returns ``ParsedDate``; raises ValueError
    with a message for the person who typed it.
    """
    if isinstance(text, datetime.datetime):
        return ParsedDate(text.date(), plain=True)
    if isinstance(text, datetime.date):
        return ParsedDate(text, plain=True)
    original = str(text or "").replace("\u00a0", " ")
    cleaned = " ".join(original.split()).casefold()
    month_only = plain = False
    if match := _ISO_DATE.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
        plain = True
    elif match := _NUMERIC_DATE.match(cleaned):
        day, month = int(match.group(1)), int(match.group(2))
        year = _full_year(match.group(3))
    elif match := _DAY_MONTH_YEAR.match(cleaned):
        day, month, year = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
    elif match := _MONTH_DAY_YEAR.match(cleaned):
        month, day, year = _MONTHS[match.group(1)], int(match.group(2)), int(match.group(3))
    elif match := _MONTH_YEAR.match(cleaned):
        month, year = _MONTHS[match.group(1)], int(match.group(2))
        day = calendar.monthrange(year, month)[1] if end and year >= 1 else 1
        month_only = True
    else:
        raise ValueError(
            f"“{original.strip()}” is not a date: write it as 2024-03-31 or 31/03/2024."
        )
    try:
        return ParsedDate(datetime.date(year, month, day), month_only=month_only, plain=plain)
    except ValueError:
        raise ValueError(f"“{original.strip()}” is not a real date.") from None


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


# The most any amount in the register can be: the database's NUMERIC(14, 2) column.
MAX_MONEY = Decimal("999999999999.99")
# Typed text longer than this is never an amount of money; refused before any parsing,
# so a pasted essay costs nothing and its message quotes only a short excerpt.
MAX_MONEY_CHARS = 60


def excerpt(text, limit=30):
    """At most ``limit`` characters of ``text``, for quoting a bad value in a message."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _too_large(shown=None):
    # The formatter sits above this module (it formats financial years too).
    from commissioning.formats import format_money

    amount = "The amount" if shown is None else f"“{excerpt(shown)}”"
    return ValueError(
        f"{amount} is more than {format_money(MAX_MONEY)}, the most an amount "
        "in the register can be."
    )


def _bounded(amount, shown):
    """``amount`` checked against the register's limits before any arithmetic on it.

    ``adjusted()`` reads the exponent without computing anything, so a number
    like 1E+999999999 is refused at once rather than expanded (quantizing or
    converting it would take minutes, or raise ``InvalidOperation``).
    """
    if not amount.is_finite():
        raise ValueError(f"“{excerpt(shown)}” is not an amount of money.")
    if amount < 0:
        raise ValueError(
            f"“{excerpt(shown)}” is negative: amounts in the register are never below £0."
        )
    if not amount.is_zero() and (amount.adjusted() > MAX_MONEY.adjusted() or amount > MAX_MONEY):
        raise _too_large(shown)
    return amount


def _number_amount(number):
    """An int, float or Decimal as a bounded Decimal, checked before it is converted."""
    if isinstance(number, Decimal):
        return _bounded(number, number)
    if isinstance(number, int):
        if number > MAX_MONEY:  # an int compares exactly, however many digits it has
            raise _too_large(number if number.bit_length() <= 128 else None)
        return _bounded(Decimal(number), number)
    if math.isinf(number):  # what a spreadsheet's number beyond 1.8E+308 reads as
        raise _too_large()
    if math.isnan(number):
        raise ValueError("That is not an amount of money.")
    shown = f"{int(number)}" if number.is_integer() and abs(number) < 1e15 else repr(number)
    if abs(number) > float(MAX_MONEY) * 10:
        raise _too_large(shown)
    return _bounded(Decimal(str(number)), shown)


_MONEY_PATTERN = re.compile(
    r"^\s*(?:£|gbp)?\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*"
    r"(k|m|mn|million|bn|billion)?\s*"
    r"(p\.?\s*a\.?|per\s+annum|per\s+year|a\s+year|each\s+year|/\s*(?:yr|year|annum))?\s*$"
)
_NEGATIVE_PATTERN = re.compile(r"^\s*(?:£|gbp)?\s*[-−]", re.IGNORECASE)
_MULTIPLIERS = {
    "k": Decimal(1000),
    "m": Decimal(1000000),
    "mn": Decimal(1000000),
    "million": Decimal(1000000),
    "bn": Decimal(1000000000),
    "billion": Decimal(1000000000),
}
# The forms every spreadsheet writes: 1234, 1234.5, £1,234.56. Anything else
# (83.2k, £6.6 million, £1,234 pa) is read too, but is a reinterpretation a
# person should be shown.
_PLAIN_MONEY = re.compile(r"^\s*£?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?\s*$")


@dataclass(frozen=True)
class Amount:
    """An amount of money as written: its value, and whether it was stated per year (``pa``)."""

    value: Decimal
    per_annum: bool = False


def parse_amount(text):
    """Read money as people write it: ``1234.5``, ``£1,234.56``, ``£83.2k``, ``£2.2m``,
    ``£6.6 million``, ``£1,234 pa`` (also ``per annum``, ``a year``); refuse anything else.

    The one money parser: query strings, forms and workbook cells all come here.
    Negative amounts are refused: the register holds none (the database forbids
    them), so a minus sign is a typing mistake, not a credit. So are amounts
    above ``MAX_MONEY`` and text longer than ``MAX_MONEY_CHARS``, checked before
    anything is converted.
    """
    if isinstance(text, Amount):
        return text
    if isinstance(text, Decimal | int | float) and not isinstance(text, bool):
        return Amount(_number_amount(text))
    text = str(text or "").replace("\u00a0", " ")
    if len(text) > MAX_MONEY_CHARS:
        raise ValueError(
            f"“{excerpt(text.strip())}” is too long to be an amount of money: "
            "write it like £1,234.56."
        )
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
    # At most 60 characters, so this product is exact and cheap; bounded before quantizing.
    value = _bounded(value * _MULTIPLIERS.get(match.group(2), Decimal(1)), text.strip())
    if value != value.quantize(PENNY):
        raise ValueError(f"“{text}” has fractions of a penny: give at most two decimal places.")
    return Amount(value, per_annum=match.group(3) is not None)


def parse_money(text):
    """The amount ``text`` states, as Decimal pounds (see ``parse_amount`` for the forms read)."""
    return parse_amount(text).value


def is_plain_money(text):
    """Whether ``text`` is money written the plain way (``1234.5``, ``£1,234.56``)."""
    return bool(_PLAIN_MONEY.match(str(text)))
