"""The project's base for django-tables2 tables: GOV.UK markup, cheap cells, safe exports.

Every register table (contracts, providers, outcomes) subclasses ``RegisterTable``
and uses the columns here, so money, dates and exports behave the same
everywhere: money shows as £1,234 on the page and exports as a number; dates
show as 31 March 2025 and export as dates; no exported text can be read as a
spreadsheet formula.
"""

import django_tables2 as tables
from django.utils.html import format_html

from commissioning.fy import format_money, to_pennies

# Characters that make Excel, LibreOffice or Google Sheets treat a cell as a
# formula (OWASP "CSV injection"); a leading apostrophe makes it plain text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Text starting with a formula trigger gets a leading ``'``; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class Column(tables.Column):
    """A django-tables2 column with a ``cell_class`` for its ``<td>`` (GOV.UK modifier classes)."""

    cell_class = ""

    def __init__(self, *args, cell_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cell_class is not None:
            self.cell_class = cell_class


class MoneyColumn(Column):
    """An amount in pounds: ``£1,234,567`` on the page, a number in exports, right-aligned."""

    cell_class = "govuk-table__cell--numeric"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "govuk-table__header--numeric"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_money(value)

    def value(self, value):
        # SQLite's arithmetic can leave stray digits (121073.790000000).
        return to_pennies(value)


class UkDateColumn(Column):
    """A date as ``31 March 2025`` on the page and a real date in exports."""

    cell_class = "app-table__cell--nowrap"

    def render(self, value):
        return f"{value.day} {value:%B %Y}"

    def value(self, value):
        return value


class RegisterTable(tables.Table):
    """Base for the register's tables.

    The template (``includes/table.html``) writes GOV.UK table markup with
    sort links in the headers and GOV.UK pagination, reading each column's
    ``cell_class`` once per cell instead of building attribute dictionaries,
    which is most of what makes a stock django-tables2 page slow.

    Subclasses set ``caption`` (read by screen readers and used to label the
    scrolling container).
    """

    caption = ""

    class Meta:
        template_name = "includes/table.html"
        attrs = {"class": "govuk-table app-table"}
        empty_text = "Nothing matches."

    def as_values(self, exclude_columns=None):
        """Rows for export, with text that could run as a spreadsheet formula neutralised."""
        for row in super().as_values(exclude_columns=exclude_columns):
            yield [neutralise_formula(value) for value in row]


def link(url, text):
    """An accessible GOV.UK link for a cell."""
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)
