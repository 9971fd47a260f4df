"""The register as of any day (``?as_of=`` or the three date boxes): statuses, "ending
within", this year's value counted from that day, and every link keeping the day."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import PAGE_MOST_QUERIES
from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTER = "/contracts/"


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def rows_of(response):
    """Each row of the register table as its cells' text."""
    body = response.content.decode().split('<tbody class="govuk-table__body">', 1)[1]
    body = body.split("</tbody>", 1)[0]
    return [
        [
            html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell))).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def register():
    """One contract that ended on 31 March 2024 (so live on 1 January 2024) and one that
    ends in 2026, each with money in 2023/24."""
    pathways = ContractFactory(reference="PATH", title="Pathways", end_date=D(2024, 3, 31))
    ContractValueFactory(contract=pathways, year=2023, amount=Decimal("216300"))
    later = ContractFactory(reference="LATER", title="Later", end_date=D(2036, 3, 31))
    ContractValueFactory(contract=later, year=2023, amount=Decimal("5000"))
    ContractValueFactory(contract=later, year=2025, amount=Decimal("7000"))
    return pathways, later


def test_as_of_1_january_2024_a_contract_ending_in_march_is_live_and_ends_in_90_days(
    staff_client, register
):
    response = staff_client.get(REGISTER, {"as_of": "2024-01-01"})
    text = text_of(response)

    assert "The register as it stood on 1 January 2024, not today." in text
    assert "Value 2023/24" in text
    rows = {row[0]: row for row in rows_of(response)}
    assert rows["PATH"][4] == "£216,300"
    assert rows["PATH"][7] == "Live ends in 90 days"
    assert rows["LATER"][4] == "£5,000"
    assert rows["LATER"][7] == "Live"


def test_today_the_same_contract_has_ended_and_no_banner_shows(staff_client, register):
    response = staff_client.get(REGISTER)
    rows = {row[0]: row for row in rows_of(response)}
    assert rows["PATH"][7] == "Ended"
    assert 'id="as-of-banner"' not in response.content.decode()


def test_the_date_boxes_give_the_same_register_as_the_link(staff_client, register):
    boxes = staff_client.get(REGISTER, {"as_of_0": "1", "as_of_1": "1", "as_of_2": "2024"})
    link = staff_client.get(REGISTER, {"as_of": "2024-01-01"})
    assert rows_of(boxes) == rows_of(link)
    # The boxes show the day back.
    assert (
        'name="as_of_0" type="text" value="1"'
        in boxes.content.decode().replace('inputmode="numeric" ', "")
        or 'value="2024"' in boxes.content.decode()
    )


def test_ending_within_and_status_filters_count_from_the_day(staff_client, register):
    ending = staff_client.get(REGISTER, {"as_of": "2024-01-01", "ending_within": "3"})
    assert [row[0] for row in rows_of(ending)] == ["PATH"]
    live = staff_client.get(REGISTER, {"as_of": "2024-01-01", "status": "live"})
    assert sorted(row[0] for row in rows_of(live)) == ["LATER", "PATH"]
    today_live = staff_client.get(REGISTER, {"status": "live"})
    assert [row[0] for row in rows_of(today_live)] == ["LATER"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of_0": "31", "as_of_1": "2", "as_of_2": "2024"}, "Enter a real date"),
        ({"as_of": "yesterday"}, "Enter a valid date"),
        ({"as_of": "1900-01-01"}, "Enter a date from"),
    ],
)
def test_a_day_that_is_not_a_date_is_a_govuk_error_and_nothing_is_exported(
    staff_client, register, query, message
):
    response = staff_client.get(REGISTER, query)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in text_of(response)
    export = staff_client.get(REGISTER, {**query, "_export": "csv"})
    assert export["Content-Type"].startswith("text/html")


def test_every_link_on_the_page_keeps_the_day(staff_client, register):
    for number in range(60):  # two pages
        ContractFactory(reference=f"X-{number:03d}", end_date=D(2025, 3, 31))
    page = html.unescape(staff_client.get(REGISTER, {"as_of": "2024-01-01"}).content.decode())

    sort_links = re.findall(r'href="(\?[^"]*sort=[^"]*)"', page)
    page_links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', page)
    exports = re.findall(r'href="(\?[^"]*_export=(?:csv|xlsx)[^"]*)"', page)
    schedule = re.findall(r'href="(/contracts/schedule\.pdf[^"]*)"', page)
    clear = re.findall(r'href="(/contracts/[^"]*)">Clear filters', page)
    for links in (sort_links, page_links, exports, schedule, clear):
        assert links
        assert all("as_of=2024-01-01" in link for link in links), links
    # The filter form sends the day's three boxes with the filters.
    form = page.split('<div class="moj-filter__options">', 1)[1].split("</form>", 1)[0]
    for box, value in (("as_of_0", "1"), ("as_of_1", "1"), ("as_of_2", "2024")):
        assert re.search(rf'name="{box}"[^>]*value="{value}"', form)


def test_the_csv_export_as_of_a_day_has_that_days_status_and_year(staff_client, register):
    response = staff_client.get(REGISTER, {"as_of": "2024-01-01", "_export": "csv"})
    assert "register-as-of-2024-01-01.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, by_reference = rows[0], {row[0]: row for row in rows[1:]}
    assert "Value 2023/24" in header
    assert by_reference["PATH"][header.index("Status")] == "Live (ends in 90 days)"


@pytest.mark.parametrize(
    "query",
    [
        {"as_of": "2024-01-01"},
        {"as_of": "2024-01-01", "sort": "-total_amount", "status": "live", "ending_within": "6"},
    ],
)
def test_the_register_as_of_a_day_runs_the_same_number_of_queries_for_5_or_200_contracts(
    staff_client, django_assert_max_num_queries, django_assert_num_queries, query
):
    def make(count, prefix):
        for number in range(count):
            contract = ContractFactory(
                reference=f"{prefix}-{number:04d}",
                end_date=D(2024, 1, 2) + datetime.timedelta(days=number),
            )
            ContractValueFactory(contract=contract, year=2023)
            ExtensionOptionFactory(contract=contract, year=2026)

    make(5, "A")
    with django_assert_max_num_queries(PAGE_MOST_QUERIES) as with_five:
        staff_client.get(REGISTER, query)
    make(195, "B")
    with django_assert_num_queries(len(with_five.captured_queries)):
        response = staff_client.get(REGISTER, query)
    assert "ends in" in text_of(response)
    # No correlated subquery per row: this year's value is read from the stored shares.
    sql = " ".join(query["sql"] for query in with_five.captured_queries).lower()
    assert "contracts_contractyearshare" in sql


def test_the_real_register_as_of_1_january_2024_shows_its_contracts_live_in_2023_24(
    staff_client,
):
    call_command("load_register", stdout=StringIO())
    response = staff_client.get(REGISTER, {"as_of": "2024-01-01", "ending_within": "3"})
    rows = rows_of(response)
    # The eight contracts the dashboard lists as ending by 31 March 2024.
    assert len(rows) == 8
    assert {row[6] for row in rows} == {"31 March 2024"}
    assert all(row[7].endswith("ends in 90 days") for row in rows)
    assert {row[7].split(" ")[0] for row in rows} <= {"Live", "Extended"}
    assert "Value 2023/24" in text_of(response)
    pathways = next(row for row in rows if row[1].startswith("Pathways"))
    assert pathways[4] == "£220,400"  # its third year, 2023/24


def test_the_xlsx_export_as_of_a_day_has_that_days_status_and_year(staff_client, register):
    import openpyxl

    response = staff_client.get(REGISTER, {"as_of": "2024-01-01", "_export": "xlsx"})
    assert "register-as-of-2024-01-01.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "Status" in row)
    pathways = next(row for row in rows if row[0] == "PATH")
    assert "Value 2023/24" in header
    assert pathways[header.index("Status")] == "Live (ends in 90 days)"
