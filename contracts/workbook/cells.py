"""Reading one spreadsheet cell into a Python value, with a plain-words message when it can't be.

A spreadsheet gives numbers, dates and text; people type money as ``£1,234.56``,
dates as real dates or ``2024-03-31``, lists separated by ``;``. Each reader
returns None for a blank cell and raises CellError otherwise.
"""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from commissioning.fy import PENNY, FinancialYear, parse_money

from .columns import CellType


class CellError(ValueError):
    """A cell that cannot be read; the message is written for the person who typed it."""


def shown(value):
    """A cell's value as the person sees it in the spreadsheet."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def read_text(value):
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | datetime.date):
        return shown(value)
    return str(value)


def read_name(value):
    text = read_text(value)
    return " ".join(text.split()) if text is not None else None


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_date(value):
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CellError(f"“{text}” is not a real date.") from None
    raise CellError(f"“{shown(value)}” is not a date: write it as YYYY-MM-DD, e.g. 2024-03-31.")


def _decimal_places(amount):
    return max(-amount.as_tuple().exponent, 0)


def read_money(value):
    if is_blank(value):
        return None
    if isinstance(value, bool | datetime.date):
        raise CellError(f"“{shown(value)}” is not an amount of money: write it like £1,234.56.")
    if isinstance(value, int | float):
        amount = Decimal(shown(value))
    else:
        text = str(value).strip()
        if re.match(r"^£?\s*[-−]", text):
            raise CellError(f"“{text}” is negative; amounts must be £0 or more.")
        try:
            amount = parse_money(text)
        except ValueError as error:
            raise CellError(str(error)) from None
    if amount < 0:
        raise CellError(f"“{shown(value)}” is negative; amounts must be £0 or more.")
    if amount != amount.quantize(PENNY):
        raise CellError(
            f"“{shown(value)}” has more than two decimal places; amounts are pounds and pence."
        )
    return amount


def read_number(value):
    if is_blank(value):
        return None
    if isinstance(value, bool | datetime.date):
        raise CellError(f"“{shown(value)}” is not a number.")
    try:
        number = Decimal(shown(value).strip().replace(",", "").rstrip("%").strip())
    except InvalidOperation:
        raise CellError(f"“{shown(value)}” is not a number.") from None
    if not number.is_finite():
        raise CellError(f"“{shown(value)}” is not a number.")
    if _decimal_places(number.normalize()) > 2:
        raise CellError(f"“{shown(value)}” has more than two decimal places.")
    return number


def read_whole(value):
    number = read_number(value)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0:
        raise CellError(f"“{shown(value)}” is not a whole number of 0 or more.")
    return int(number)


def read_year(value):
    if is_blank(value):
        return None
    try:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return FinancialYear.parse(value if isinstance(value, int) else str(value).strip())
    except (TypeError, ValueError) as error:
        raise CellError(str(error)) from None


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def read_yes_no(value):
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = shown(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"“{shown(value)}” is not yes or no.")


def read_names(value):
    text = read_text(value)
    if text is None:
        return None
    return [" ".join(part.split()) for part in text.split(";") if part.strip()]


def _choice_key(text):
    return re.sub(r"[\s_\-]+", "_", str(text).strip().casefold())


@functools.cache
def _spellings(column):
    """Every accepted spelling of ``column``'s choices: values, labels and aliases."""
    spellings = {_choice_key(alias): str(choice) for alias, choice in column.aliases}
    for choice, label in column.choices.choices:
        spellings.setdefault(_choice_key(choice), str(choice))
        spellings.setdefault(_choice_key(label), str(choice))
    return spellings


def read_choice(value, column):
    if is_blank(value):
        return None
    spellings = _spellings(column)
    if isinstance(value, str) and value in spellings:
        return spellings[value]
    key = _choice_key(shown(value))
    if key in spellings:
        return spellings[key]
    allowed = ", ".join(column.allowed_values())
    raise CellError(
        f"“{shown(value)}” is not a {column.name} this register knows; use one of: {allowed}."
    )


READERS = {
    CellType.TEXT: read_text,
    CellType.NAME: read_name,
    CellType.DATE: read_date,
    CellType.MONEY: read_money,
    CellType.NUMBER: read_number,
    CellType.WHOLE: read_whole,
    CellType.YEAR: read_year,
    CellType.YES_NO: read_yes_no,
    CellType.NAMES: read_names,
}


def read_cell(value, column):
    """The Python value of a cell in ``column``; None when blank; CellError when unreadable."""
    if column.type == CellType.CHOICE:
        return read_choice(value, column)
    return READERS[column.type](value)
