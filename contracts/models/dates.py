"""The dates the register accepts, and month arithmetic for "ending within N months"."""

import datetime

from django.core.exceptions import ValidationError

from commissioning.fy import EARLIEST_YEAR, LATEST_YEAR

EARLIEST_DATE = datetime.date(EARLIEST_YEAR, 4, 1)
LATEST_DATE = datetime.date(LATEST_YEAR + 1, 3, 31)


def _sensible_date(value):
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"{value:%d %B %Y} is outside the dates the register holds "
            f"({EARLIEST_DATE:%d %B %Y} to {LATEST_DATE:%d %B %Y})."
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
