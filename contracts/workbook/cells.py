"""Reading one spreadsheet cell into a Python value, with a plain-words message when it can't be.

A spreadsheet gives numbers, dates and text; people type money as ``£1,234.56``
or ``£2.2m``, dates as real dates, ``2024-03-31`` or ``1st April 2024``, lists
separated by ``;``. Each reader returns None for a blank cell and raises
CellError when the cell cannot be read. A reader that had to reinterpret what
was written (``£2.2m``, ``April 2017``, ``council``, ``example.org``) says so
through ``note(message)``, so the import can list every reinterpretation and
nothing is guessed silently. The parsing itself is the kernel's
(``commissioning.fy``: ``parse_amount``, ``parse_date``, ``FinancialYear.parse``),
the same the register's filters call.
"""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from openpyxl.utils.escape import unescape

from commissioning.formats import format_date, format_money
from commissioning.fy import (
    PENNY,
    FinancialYear,
    excerpt,
    is_plain_money,
    parse_amount,
    parse_date,
    parse_money,
)

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
    # A workbook writes characters XML cannot hold (a carriage return) as _x000D_ and a
    # literal "_x0041_" as _x005F_x0041_; openpyxl leaves them so, and they are decoded here.
    return unescape(str(value))


def read_name(value):
    text = read_text(value)
    return " ".join(text.split()) if text is not None else None


def _no_note(message):
    pass


def read_date(value, note=_no_note, end=False):
    """A date; ``end`` when it ends a period (``April 2017`` is then 30 April)."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(f"“{shown(value)}” is not a date: write it as 2024-03-31 or 31/03/2024.")
    try:
        parsed = parse_date(value, end=end)
    except ValueError as error:
        raise CellError(str(error)) from None
    if parsed.month_only:
        which = "last" if end else "first"
        note(
            f"read “{shown(value).strip()}” as {format_date(parsed.day)}, the {which} day of the month"
        )
    elif not parsed.plain:
        note(f"read “{shown(value).strip()}” as {format_date(parsed.day)}")
    return parsed.day


def _decimal_places(amount):
    return max(-amount.as_tuple().exponent, 0)


def read_money(value, note=_no_note):
    if is_blank(value):
        return None
    if isinstance(value, bool | datetime.date):
        raise CellError(f"“{shown(value)}” is not an amount of money: write it like £1,234.56.")
    if isinstance(value, int | float):
        if value < 0:
            raise CellError(f"“{shown(value)}” is negative; amounts must be £0 or more.")
        try:
            # The one money parser bounds digits and exponents before converting.
            amount = parse_money(value)
        except ValueError as error:
            raise CellError(str(error)) from None
    else:
        text = str(value).strip()
        if re.match(r"^£?\s*[-−]", text):
            raise CellError(f"“{excerpt(text)}” is negative; amounts must be £0 or more.")
        try:
            parsed = parse_amount(text)
        except ValueError as error:
            raise CellError(str(error)) from None
        amount = parsed.value
        if not is_plain_money(text) and amount == amount.quantize(PENNY):
            a_year = " a year" if parsed.per_annum else ""
            note(f"read “{text}” as {format_money(amount)}{a_year}")
    if amount < 0:
        raise CellError(f"“{shown(value)}” is negative; amounts must be £0 or more.")
    if amount != amount.quantize(PENNY):
        raise CellError(
            f"“{shown(value)}” has more than two decimal places; amounts are pounds and pence."
        )
    return amount.quantize(PENNY) if _decimal_places(amount) > 2 else amount


# The largest number an outcome figure holds (its column is NUMERIC(14, 2)), and the
# largest whole number (a PostgreSQL integer). Checked before converting, so a cell
# holding 1E+999999999 is refused at once instead of being expanded digit by digit.
MAX_NUMBER = Decimal("999999999999.99")
MAX_WHOLE = 2_147_483_647
MAX_NUMBER_CHARS = 40


def read_number(value):
    if is_blank(value):
        return None
    if isinstance(value, bool | datetime.date):
        raise CellError(f"“{shown(value)}” is not a number.")
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        raise CellError("That number is larger than any figure the register holds.")
    text = shown(value).strip()
    if len(text) > MAX_NUMBER_CHARS:
        raise CellError(f"“{excerpt(text)}” is too long to be a number.")
    try:
        number = Decimal(text.replace(",", "").rstrip("%").strip())
    except InvalidOperation:
        raise CellError(f"“{text}” is not a number.") from None
    if not number.is_finite():
        raise CellError(f"“{text}” is not a number.")
    if not number.is_zero() and (
        number.adjusted() > MAX_NUMBER.adjusted() or abs(number) > MAX_NUMBER
    ):
        raise CellError(f"“{text}” is larger than any figure the register holds.")
    if not number.is_zero() and number.adjusted() < -2:
        raise CellError(f"“{text}” has more than two decimal places.")
    if _decimal_places(number.normalize()) > 2:
        raise CellError(f"“{text}” has more than two decimal places.")
    return number


def read_whole(value):
    number = read_number(value)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0:
        raise CellError(f"“{shown(value)}” is not a whole number of 0 or more.")
    if number > MAX_WHOLE:
        raise CellError(
            f"“{shown(value)}” is larger than {MAX_WHOLE:,}, the most this column holds."
        )
    return int(number)


def read_year(value, note=_no_note):
    if is_blank(value):
        return None
    try:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = value if isinstance(value, int) else str(value).strip()
        year = FinancialYear.parse(text)
    except (TypeError, ValueError) as error:
        raise CellError(str(error)) from None
    if str(text) != year.label:
        note(f"read “{text}” as {year}")
    return year


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


def read_choice(value, column, note=_no_note):
    if is_blank(value):
        return None
    spellings = _spellings(column)
    if isinstance(value, str) and value in spellings:
        choice = spellings[value]
    else:
        choice = spellings.get(_choice_key(shown(value)))
    if choice is None:
        allowed = ", ".join(column.allowed_values())
        raise CellError(
            f"“{shown(value)}” is not a {column.name} this register knows; use one of: {allowed}."
        )
    label = column.choices(choice).label
    if shown(value).strip() not in (choice, label):
        note(f"read “{shown(value).strip()}” as {label}")
    return choice


_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.IGNORECASE)


def read_url(value, note=_no_note):
    """A web address; ``example.org.uk`` or ``www.example.org.uk`` gets ``https://``."""
    text = read_text(value)
    if text is None:
        return None
    text = text.strip()
    if " " not in text and not _SCHEME.match(text) and "." in text and "@" not in text:
        note(f"read “{text}” as https://{text}")
        return f"https://{text}"
    return text


def read_email(value, note=_no_note):
    """An email address; spaces typed inside it (``jo @ example.org``) are dropped."""
    text = read_text(value)
    if text is None:
        return None
    joined = "".join(text.split())
    if joined != text.strip():
        note(f"read “{text.strip()}” as {joined}")
    return joined


def read_phone(value, note=_no_note):
    """A phone number; surrounding and doubled spaces are dropped, the grouping kept."""
    text = read_text(value)
    if text is None:
        return None
    tidy = " ".join(text.split())
    if tidy != text.strip():
        note(f"read “{text.strip()}” as {tidy}")
    return tidy


READERS = {
    CellType.TEXT: read_text,
    CellType.NAME: read_name,
    CellType.MONEY: read_money,
    CellType.NUMBER: read_number,
    CellType.WHOLE: read_whole,
    CellType.YEAR: read_year,
    CellType.YES_NO: read_yes_no,
    CellType.NAMES: read_names,
    CellType.URL: read_url,
    CellType.EMAIL: read_email,
    CellType.PHONE: read_phone,
}
# Readers that may reinterpret what was written, and so take ``note``.
_NOTING = {read_money, read_year, read_url, read_email, read_phone}


def read_cell(value, column, note=_no_note):
    """The Python value of a cell in ``column``; None when blank; CellError when unreadable.

    ``note(message)`` is called for each reinterpretation (see the module's docstring).
    """
    if column.type == CellType.CHOICE:
        return read_choice(value, column, note)
    if column.type == CellType.DATE:
        return read_date(value, note, end=column.ends_period)
    reader = READERS[column.type]
    return reader(value, note) if reader in _NOTING else reader(value)
