"""Template filters that format the register's values the same way everywhere.

Loaded as a template builtin, so every template can use ``|money``, ``|fy``
and ``|uk_date`` without ``{% load %}``. Each calls the one formatter in
``commissioning/formats.py``.
"""

from decimal import Decimal, InvalidOperation

from django import template

from commissioning.formats import format_date, format_financial_year, format_money

register = template.Library()


@register.filter
def money(amount, pence=None):
    """£1,234,567, or £1,234.50 when the amount has pence (``|money:True`` forces pence)."""
    # Like Django's own filters, a value that is not a number shows as nothing
    # rather than failing the whole page.
    if amount is None or amount == "":
        return ""
    try:
        amount = Decimal(str(amount))
    except InvalidOperation:
        return ""
    if not amount.is_finite():
        return ""
    return format_money(amount, pence=pence)


@register.filter
def fy(year):
    """``2024/25`` from a FinancialYear, a start year, or a date inside the year."""
    if year is None or year == "":
        return ""
    try:
        return format_financial_year(year)
    except (TypeError, ValueError):
        return ""


@register.filter
def uk_date(day):
    """31 March 2025."""
    return format_date(day)
