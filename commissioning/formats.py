"""How the register writes dates, money and financial years, wherever they are read.

Pages (through the ``|uk_date``, ``|money`` and ``|fy`` template filters),
PDFs, exports, validation messages, admin messages and history all call these,
so a date reads ``1 April 2024`` and an amount ``£130,000`` everywhere.
``strftime("%-d")`` is never used: it works with glibc only.

Exports also pass text through ``spreadsheet_safe``: a cell that starts like a
formula is written as text, never run.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from commissioning.fy import FinancialYear, to_pennies


def format_date(day):
    """``1 April 2024``: the day without a leading zero, the month in words; '' for no date.

    A moment (an aware datetime) is written as the date it is in the site's time zone.
    """
    if not isinstance(day, datetime.date):
        return ""
    if isinstance(day, datetime.datetime):
        from django.utils import timezone

        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return f"{day.day} {day:%B %Y}"


def format_month(day):
    """``November 2022``: a month of a year, for periods stated by month."""
    if not isinstance(day, datetime.date):
        return ""
    return f"{day:%B %Y}"


def format_money(amount, pence=None):
    """``£1,234,567`` for whole pounds, ``£1,234.50`` where pence are stated; '' for no amount.

    ``pence=True`` always shows pence, ``pence=False`` rounds to the pound.
    """
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


def format_financial_year(year):
    """``2024/25`` from a FinancialYear, its start year, a date inside it, or text naming it."""
    if isinstance(year, datetime.date):
        return str(FinancialYear.containing(year))
    return str(FinancialYear.parse(year))


# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a
# formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value):
    """True for text a spreadsheet would run as a formula: it starts with = + - @ tab or CR."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def spreadsheet_safe(value):
    """Text that looks like a formula gets a leading ``'`` (read as text); anything else as is."""
    if looks_like_formula(value):
        return "'" + value
    return value
