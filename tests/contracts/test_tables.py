"""The register table (contracts/tables.py) on the base table of commissioning/tables.py."""

import datetime
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import conditional_escape

from commissioning.formats import spreadsheet_safe
from commissioning.fy import FinancialYear
from contracts.models import Contract, Status
from contracts.tables import ContractTable
from tests.commissioning.test_tables import cells_of
from tests.factories import ContractFactory, ContractValueFactory

pytestmark = pytest.mark.django_db


def register_table(request_path="/contracts/"):
    request = RequestFactory().get(request_path)
    table = ContractTable(Contract.objects.for_register())
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


def test_register_export_values_match_django_tables2s_own():
    today = timezone.localdate()
    contract = ContractFactory(reference="E-1", end_date=today + datetime.timedelta(days=20))
    ContractValueFactory(contract=contract, amount=Decimal("10.5"))
    ContractFactory(reference="E-2", end_date=None, title="-minus")
    table = register_table("/contracts/?sort=reference")
    stock = [[spreadsheet_safe(value) for value in row] for row in tables.Table.as_values(table)]
    assert list(table.as_values()) == stock
