"""The project's base for django-tables2 tables: GOV.UK markup, cheap cells, safe exports.

Every register table (contracts, providers, outcomes) subclasses ``RegisterTable``
and uses the columns here, so money, dates and exports behave the same
everywhere: money shows as £1,234 on the page and exports as a number; dates
show as 31 March 2025 and export as dates; no exported text can be read as a
spreadsheet formula.
"""

import copy
import datetime
import inspect
import io
from decimal import Decimal

import django_tables2 as tables
from django.db import models
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_tables2.export import TableExport
from django_tables2.utils import Accessor
from xlsxwriter import Workbook

from commissioning.formats import format_date, format_money, spreadsheet_safe
from commissioning.fy import to_pennies
from commissioning.spreadsheets import TextCells


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

    cell_class = ""

    def render(self, value):
        return format_date(value)

    def value(self, value):
        return value


class RegisterTable(tables.Table):
    """Base for the register's tables.

    The template (``includes/table.html``) writes GOV.UK table markup with
    sort links in the headers and GOV.UK pagination. Its rows come from
    ``rendered_rows()``: the same values, ``render_FOO`` methods, defaults and
    escaping as django-tables2's own rows, but with each column's lookup and
    render signature worked out once per table instead of once per cell —
    per-cell signature inspection and attribute dictionaries are most of what
    makes a stock django-tables2 page slow. A column's ``<td>`` gets its
    ``cell_class``. Only django-tables2's public API is used (bound columns'
    ``render``/``value``/``default``/``link``, ``Accessor.resolve``,
    ``penultimate`` and ``get_field``, ``BoundRow.get_cell``);
    tests/commissioning/test_tables.py checks the rows equal django-tables2's
    own, cell by cell, on the pinned version.

    Subclasses set ``caption`` (read by screen readers and used to label the
    scrolling container).
    """

    caption = ""

    class Meta:
        template_name = "includes/table.html"
        attrs = {"class": "govuk-table app-table"}
        empty_text = "Nothing matches."

    def rendered_rows(self):
        """The current page's rows, each a ready ``<tr>`` of escaped cells."""
        renderers = [_CellRenderer(self, bound_column) for bound_column in self.columns]
        return [
            # Safe: _CellRenderer escapes every cell.
            mark_safe(
                '<tr class="govuk-table__row">'
                + "".join(renderer.cell(row) for renderer in renderers)
                + "</tr>"
            )
            for row in self.paginated_rows
        ]

    def as_values(self, exclude_columns=None):
        """Rows for export: django-tables2's values (``value_FOO``, ``Column.value``), every row.

        Read through the same once-per-column lookup as the page, and with text
        that could run as a spreadsheet formula neutralised.
        """
        exclude_columns = exclude_columns or ()
        columns = [
            bound_column
            for bound_column in self.columns.iterall()
            if not (bound_column.column.exclude_from_export or bound_column.name in exclude_columns)
        ]
        yield [spreadsheet_safe(force_str(column.header, strings_only=True)) for column in columns]
        readers = [_CellRenderer(self, bound_column, export=True) for bound_column in columns]
        for row in self.rows:
            yield [
                spreadsheet_safe(force_str(reader.export_value(row), strings_only=True))
                for reader in readers
            ]


_CELL_ARGUMENTS = ("value", "record", "column", "bound_column", "table")


class _CellRenderer:
    """Renders one column's cells the way django-tables2's BoundRow does, minus the repeated work.

    Looks up the render method (or, for an export, the value method), the
    arguments it takes, and whether the value is a choice field shown by
    ``get_FOO_display()`` once; columns it cannot reproduce exactly (links,
    arguments it does not know) go through django-tables2's own
    ``BoundRow.get_cell`` / ``get_cell_value``.
    """

    def __init__(self, table, bound_column, export=False):
        self.table = table
        self.bound_column = bound_column
        self.column = bound_column.column
        self.name = bound_column.name
        self.default = None if export else bound_column.default
        self.opening = f'<td class="govuk-table__cell {getattr(self.column, "cell_class", "")}">'
        self.render = bound_column.value if export else bound_column.render
        if getattr(self.render, "__func__", None) is tables.Column.value:
            # The stock Column.value only calls the column's render().
            self.render = self.column.render
        self.accessor = Accessor(bound_column.accessor)
        self.display = self._choice_display(table)
        self.arguments = self._arguments()

    def _choice_display(self, table):
        """``get_FOO_display`` for a choice field, as django-tables2 shows it; else None."""
        model = getattr(table.Meta, "model", None)
        field = self.accessor.get_field(model) if model is not None else None
        if isinstance(field, models.Field) and field.choices:
            return f"get_{field.name}_display"
        return None

    def _arguments(self):
        """The keyword arguments the render function takes, or None to use the stock path."""
        if self.bound_column.link:
            return None
        parameters = inspect.signature(self.render).parameters.values()
        names = []
        for parameter in parameters:
            if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                return None
            if parameter.name not in _CELL_ARGUMENTS:
                return None
            names.append(parameter.name)
        return tuple(names)

    def value(self, record):
        if self.display:
            owner, _name = self.accessor.penultimate(record)
            if isinstance(owner, models.Model):
                return getattr(owner, self.display)()
        return self.accessor.resolve(record, quiet=True)

    def rendered(self, row):
        value = self.value(row.record)
        if value in self.column.empty_values:
            return self.default
        given = {
            "value": value,
            "record": row.record,
            "column": self.column,
            "bound_column": self.bound_column,
            "table": self.table,
        }
        return self.render(**{name: given[name] for name in self.arguments})

    def cell(self, row):
        if self.arguments is None:
            return f"{self.opening}{_as_html(row.get_cell(self.name))}</td>"
        return f"{self.opening}{_as_html(self.rendered(row))}</td>"

    def export_value(self, row):
        if self.arguments is None:
            return row.get_cell_value(self.name)
        return self.rendered(row)


def _as_html(content):
    """What ``{{ cell }}`` would print: localised, escaped unless already safe."""
    if content is None:
        return ""
    if not isinstance(content, str):
        content = localize(template_localtime(content))
    return conditional_escape(content)


class SortedByColumnsOnly(tables.RequestConfig):
    """django-tables2's RequestConfig, handed only the ``?sort=`` names that are the table's columns.

    ``?sort=`` comes from the address bar: text such as ``../x`` is dropped here,
    before django-tables2 parses it as an accessor (which warns about the dots).
    """

    def configure(self, table):
        field = table.prefixed_order_by_field
        asked = self.request.GET.getlist(field)
        known = [
            value
            for value in asked
            if all(name.lstrip("-") in table.columns for name in value.split(","))
        ]
        if known != asked:
            request = copy.copy(self.request)
            request.GET = self.request.GET.copy()
            request.GET.setlist(field, known)
            self.request = request
        return super().configure(table)


class RegisterTableMixin(tables.SingleTableMixin):
    """SingleTableMixin for the register's pages: sorting by the table's own columns only."""

    def get_table(self, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        return SortedByColumnsOnly(
            self.request, paginate=self.get_table_pagination(table)
        ).configure(table)


def link(url, text):
    """An accessible GOV.UK link for a cell."""
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)


class RegisterTableExport(TableExport):
    """django-tables2's export, with XLSX written by XlsxWriter rather than tablib's openpyxl.

    The same sheet tablib makes (named after the dataset, bold frozen header row,
    each column as wide as its longest value, text holding line breaks wrapped),
    with dates as dates and numbers as numbers, at a fraction of the time for a
    register of thousands of rows (``bench/results.md``). Text is written as text,
    never as a formula (``as_values`` has already marked text that looks like one) nor
    as XML (``commissioning.spreadsheets``).
    """

    def export(self):
        if self.format != self.XLSX:
            return super().export()
        content = io.BytesIO()
        workbook = Workbook(content, {"constant_memory": True})
        bold = workbook.add_format({"bold": True})
        wrapped = workbook.add_format({"text_wrap": True})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
        text_cells = TextCells(workbook)
        worksheet = workbook.add_worksheet(self.dataset.title or "Register")
        worksheet.freeze_panes(1, 0)
        widths = [len(str(header)) for header in self.dataset.headers]
        for col, header in enumerate(self.dataset.headers):
            worksheet.write_string(0, col, str(header), bold)
        for number, row in enumerate(self.dataset, start=1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                widths[col] = max(widths[col], len(str(value)))
                if isinstance(value, bool):
                    worksheet.write_boolean(number, col, value)
                elif isinstance(value, int | float | Decimal):
                    worksheet.write_number(number, col, value)
                elif isinstance(value, datetime.datetime):
                    local = template_localtime(value).replace(tzinfo=None)
                    worksheet.write_datetime(number, col, local, moment)
                elif isinstance(value, datetime.date):
                    worksheet.write_datetime(number, col, value, day)
                else:
                    text = str(value)
                    text_cells.write(
                        worksheet, number, col, text, wrapped if "\n" in text else None
                    )
        for col, width in enumerate(widths):
            worksheet.set_column(col, col, width)
        workbook.close()
        return content.getvalue()
