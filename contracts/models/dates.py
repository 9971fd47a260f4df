"""The dates the register accepts, month arithmetic for "ending within N months", decision dates."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError

from commissioning.formats import format_date
from commissioning.fy import EARLIEST_YEAR, LATEST_YEAR

EARLIEST_DATE = datetime.date(EARLIEST_YEAR, 4, 1)
LATEST_DATE = datetime.date(LATEST_YEAR + 1, 3, 31)


def _sensible_date(value):
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"{format_date(value)} is outside the dates the register holds "
            f"({format_date(EARLIEST_DATE)} to {format_date(LATEST_DATE)})."
        )


def add_months(day, months):
    """The same day ``months`` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_notice_months():
    """A new contract's notice period: the office's setting (DEFAULT_NOTICE_MONTHS, 3 months)."""
    return settings.DEFAULT_NOTICE_MONTHS


def decision_date_for(start, notice_months):
    """The last day to decide on a period starting ``start``: the day before the date
    ``notice_months`` months earlier (1 April 2025 with 3 months' notice → 31 December 2024).

    The SQL twin is ``commissioning.expressions.DecisionDate``; a test holds them equal.
    """
    return add_months(start, -notice_months) - datetime.timedelta(days=1)
