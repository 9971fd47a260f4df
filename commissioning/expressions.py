"""Database expressions for financial-year arithmetic.

They compute in SQL exactly what ``commissioning.fy.amount_in_year`` computes in
Python, so list pages and dashboards can aggregate in the database.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Value,
)
from django.db.models.functions import Greatest, Least, Round

from commissioning.fy import PENNY


class MoneyField(DecimalField):
    """Pounds and pence computed in SQL, read back rounded to the penny.

    SQLite computes in floating point and Django reads such results back with
    fifteen significant digits (``Decimal('1234.31000000000')``), which would
    leak into pages and exports; PostgreSQL's numeric is exact already.
    """

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return Decimal(value).quantize(PENNY)


MONEY = MoneyField(max_digits=14, decimal_places=2)


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (``end - start``), on SQLite and PostgreSQL."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(julianday(%(expressions)s)) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="((%(expressions)s))",
            arg_joiner=")::date - (",
            **extra_context,
        )


class AsDecimal(Func):
    """A number as an exact decimal for division: numeric on PostgreSQL, REAL on SQLite.

    SQLite's NUMERIC cast keeps whole numbers as integers, which would make the
    division below an integer division.
    """

    template = "CAST(%(expressions)s AS numeric)"
    output_field = MONEY

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)")


def _date(day):
    return Value(day, output_field=DateField())


def _cumulative(amount, start, total_days, through):
    days = Least(Greatest(DaysBetween(_date(through), F(start)) + 1, Value(0)), total_days)
    share = ExpressionWrapper(
        AsDecimal(F(amount)) * days / AsDecimal(total_days), output_field=MONEY
    )
    return Round(share, 2, output_field=MONEY)


def amount_in_year(year, amount="amount", start="start_date", end="end_date"):
    """SQL for the part of each row's ``amount`` that falls in financial ``year``."""
    total_days = DaysBetween(F(end), F(start)) + 1
    through = _cumulative(amount, start, total_days, year.end)
    before = _cumulative(amount, start, total_days, year.start - datetime.timedelta(1))
    # Rounded again because SQLite subtracts in floating point, which can leave
    # a stray digit far below the penny on large amounts.
    return Round(ExpressionWrapper(through - before, output_field=MONEY), 2, output_field=MONEY)


class DecisionDate(Func):
    """The day before the date ``months`` months before ``start`` — SQL twin of
    ``contracts.models.dates.decision_date_for``.

    A month-end that does not exist in the earlier month is clamped to its last
    day (31 May less 3 months is 28 or 29 February), as PostgreSQL's interval
    arithmetic and ``add_months`` both do; SQLite's own month modifier would
    roll over into March instead, so on SQLite the clamp is spelt out.
    """

    output_field = DateField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra_context):
        start, start_params = compiler.compile(self.source_expressions[0])
        months, months_params = compiler.compile(self.source_expressions[1])
        first = f"date({start}, 'start of month', '-' || ({months}) || ' months')"
        first_params = [*start_params, *months_params]
        day = f"CAST(strftime('%%d', {start}) AS INTEGER)"
        same_day = f"date({first}, '+' || ({day} - 1) || ' days')"
        last_day = f"date({first}, '+1 month', '-1 day')"
        sql = f"date(MIN({same_day}, {last_day}), '-1 day')"
        return sql, [*first_params, *start_params, *first_params]

    def as_postgresql(self, compiler, connection, **extra_context):
        start, start_params = compiler.compile(self.source_expressions[0])
        months, months_params = compiler.compile(self.source_expressions[1])
        sql = f"(CAST(({start}) - make_interval(months => ({months})::integer) AS date) - 1)"
        return sql, [*start_params, *months_params]
