"""The project's base table (commissioning/tables.py): cheap cells equal to django-tables2's own,
safe exports, and sorting by the table's own columns only."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils.html import conditional_escape, format_html

from commissioning.formats import spreadsheet_safe
from commissioning.tables import (
    MoneyColumn,
    RegisterTable,
    SortedByColumnsOnly,
    UkDateColumn,
)
from providers.models import Provider
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "exported"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+441234", "'+441234"),
        ("-10", "'-10"),
        ("@cmd", "'@cmd"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("Victim Support", "Victim Support"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text, exported):
    assert spreadsheet_safe(text) == exported


@pytest.mark.parametrize("value", [Decimal("-5"), -5, None, datetime.date(2024, 3, 31)])
def test_numbers_dates_and_blanks_are_exported_unchanged(value):
    assert spreadsheet_safe(value) == value


class ProviderCheckTable(RegisterTable):
    """Columns of every kind the fast row renderer must render as django-tables2 would."""

    name = tables.Column()
    kind = tables.Column()  # a choice field: shown by get_kind_display()
    website = tables.Column(default="none given")
    charity_number = tables.Column(empty_values=())
    notes = tables.Column()
    linked = tables.Column(accessor="name", linkify=lambda record: f"/p/{record.pk}/")
    amount = MoneyColumn(accessor="pk", cell_class="extra-class")

    class Meta(RegisterTable.Meta):
        model = Provider
        fields = ()

    def render_notes(self, value, record):
        return format_html("<em>{}</em> ({})", value, record.name)

    def render_charity_number(self, value):
        return value or "not a charity"


def cells_of(row_html):
    return re.findall(r"<td class=\"([^\"]*)\">(.*?)</td>", row_html, flags=re.S)


def test_fast_rows_match_what_django_tables2_renders_cell_by_cell():
    ProviderFactory(
        name="Smith & <Sons>",
        kind="cic",
        website="",
        charity_number="",
        notes="<script>alert(1)</script>",
    )
    table = ProviderCheckTable(Provider.objects.all())

    fast = cells_of(table.rendered_rows()[0])
    stock_row = next(iter(table.rows))
    stock = [str(stock_row.get_cell(column.name)) for column in table.columns]

    assert [html for _, html in fast][:5] == [
        "Smith &amp; &lt;Sons&gt;",
        "Community interest company",
        "none given",
        "not a charity",
        "<em>&lt;script&gt;alert(1)&lt;/script&gt;</em> (Smith &amp; &lt;Sons&gt;)",
    ]
    assert [html for _, html in fast] == [str(conditional_escape(cell)) for cell in stock]
    assert fast[6][0].strip() == "govuk-table__cell extra-class"
    assert "/p/" in fast[5][1]  # the linkify column went through django-tables2 itself


def test_the_money_and_date_columns_render_their_own_values():
    assert MoneyColumn().render(Decimal("1234567")) == "£1,234,567"
    assert UkDateColumn().render(datetime.date(2025, 3, 1)) == "1 March 2025"


def test_fast_export_values_match_django_tables2s_own():
    ProviderFactory(name="=cmd|' /C calc'!A0", kind="cic", website="", notes="<b>x</b>")
    ProviderFactory(name="Plain", kind="charity", charity_number="123")
    table = ProviderCheckTable(Provider.objects.order_by("name"))
    stock = [[spreadsheet_safe(value) for value in row] for row in tables.Table.as_values(table)]
    assert list(table.as_values()) == stock
    assert stock[1][0] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("sort", "kept"),
    [
        ("-name", ["-name"]),
        ("name", ["name"]),
        ("../../etc/passwd", []),
        ("__class__", []),
        ("a.b", []),
    ],
)
def test_only_the_tables_own_columns_reach_its_sorting(sort, kept):
    table = ProviderCheckTable(Provider.objects.all())
    SortedByColumnsOnly(RequestFactory().get("/", {"sort": sort})).configure(table)
    assert list(table.order_by or ()) == kept
