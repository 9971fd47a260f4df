"""The project's base table (commissioning/tables.py) and the register table built on it."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import conditional_escape, format_html

from commissioning.fy import FinancialYear
from commissioning.tables import MoneyColumn, RegisterTable, UkDateColumn, neutralise_formula
from contracts.models import Status
from contracts.tables import ContractTable
from contracts.views.register import register_queryset
from providers.models import Provider
from tests.factories import ContractFactory, ContractValueFactory, ProviderFactory

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
    assert neutralise_formula(text) == exported


@pytest.mark.parametrize("value", [Decimal("-5"), -5, None, datetime.date(2024, 3, 31)])
def test_numbers_dates_and_blanks_are_exported_unchanged(value):
    assert neutralise_formula(value) == value


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


def register_table(request_path="/contracts/"):
    request = RequestFactory().get(request_path)
    table = ContractTable(register_queryset())
    tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return table


def test_register_rows_match_what_django_tables2_renders_cell_by_cell():
    contract = ContractFactory(reference="VS-1", title="Victims & <witnesses>", status="live")
    ContractValueFactory(contract=contract, year=FinancialYear.current().start_year)
    table = register_table()

    fast = [html for _, html in cells_of(table.rendered_rows()[0])]
    stock_row = next(iter(table.paginated_rows))
    stock = [str(conditional_escape(stock_row.get_cell(column.name))) for column in table.columns]

    assert fast == stock
    assert fast[1] == "Victims &amp; &lt;witnesses&gt;"


def test_the_register_table_links_each_reference_to_its_page():
    ContractFactory(reference="VS-CORE")
    row = register_table().rendered_rows()[0]
    assert '<a class="govuk-link" href="/contracts/VS-CORE/">VS-CORE</a>' in row


def test_money_shows_in_pounds_and_exports_as_numbers():
    contract = ContractFactory(reference="M-1")
    ContractValueFactory(contract=contract, amount=Decimal("121073.79"))
    table = register_table()
    assert "£121,073.79" in table.rendered_rows()[0]
    header, row = list(table.as_values())
    exported = dict(zip(header, row, strict=True))
    assert exported["Total value"] == Decimal("121073.79")
    assert exported["Reference"] == "M-1"


def test_status_says_ends_in_n_days_only_for_running_contracts_ending_soon():
    today = timezone.localdate()
    ContractFactory(reference="A-SOON", end_date=today + datetime.timedelta(days=1))
    ContractFactory(reference="B-FAR", end_date=today + datetime.timedelta(days=400))
    ContractFactory(
        reference="C-PLANNED", status=Status.PLANNED, end_date=today + datetime.timedelta(days=9)
    )
    rows = register_table("/contracts/?sort=reference").rendered_rows()
    assert "ends in 1 day<" in rows[0]
    assert "ends in" not in rows[1]
    assert "Planned" in rows[2]
    assert "ends in" not in rows[2]
    _, *exported = list(register_table("/contracts/?sort=reference").as_values())
    assert exported[0][-1] == "Live (ends in 1 day)"
    assert exported[1][-1] == "Live"


def test_dates_show_in_words_and_export_as_dates():
    ContractFactory(reference="D-1", end_date=datetime.date(2031, 3, 31))
    table = register_table()
    assert "31 March 2031" in table.rendered_rows()[0]
    header, row = list(table.as_values())
    assert dict(zip(header, row, strict=True))["End date"] == datetime.date(2031, 3, 31)


def test_the_value_column_is_headed_with_the_current_financial_year():
    from commissioning.fy import FinancialYear

    headers = [column.header for column in register_table().columns]
    assert f"Value {FinancialYear.current()}" in headers


def test_a_contract_without_an_end_date_shows_a_dash():
    ContractFactory(reference="OPEN", end_date=None)
    assert "—" in register_table().rendered_rows()[0]


def test_the_money_and_date_columns_render_their_own_values():
    assert MoneyColumn().render(Decimal("1234567")) == "£1,234,567"
    assert UkDateColumn().render(datetime.date(2025, 3, 1)) == "1 March 2025"


def test_fast_export_values_match_django_tables2s_own():
    ProviderFactory(name="=cmd|' /C calc'!A0", kind="cic", website="", notes="<b>x</b>")
    ProviderFactory(name="Plain", kind="charity", charity_number="123")
    table = ProviderCheckTable(Provider.objects.order_by("name"))
    stock = [[neutralise_formula(value) for value in row] for row in tables.Table.as_values(table)]
    assert list(table.as_values()) == stock
    assert stock[1][0] == "'=cmd|' /C calc'!A0"


def test_register_export_values_match_django_tables2s_own():
    today = timezone.localdate()
    contract = ContractFactory(reference="E-1", end_date=today + datetime.timedelta(days=20))
    ContractValueFactory(contract=contract, amount=Decimal("10.5"))
    ContractFactory(reference="E-2", end_date=None, title="-minus")
    table = register_table("/contracts/?sort=reference")
    stock = [[neutralise_formula(value) for value in row] for row in tables.Table.as_values(table)]
    assert list(table.as_values()) == stock
