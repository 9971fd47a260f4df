import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.formats import format_money
from commissioning.fy import FinancialYear, amount_in_year
from contracts.models import OptionStatus, Status, add_months
from tests.factories import (
    CategoryFactory,
    ContractFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    ProviderFactory,
)
from tests.html_tables import row_named, table_rows

pytestmark = pytest.mark.django_db

THIS_YEAR = FinancialYear.current()
TODAY = timezone.localdate()


def running_contract(**kwargs):
    kwargs.setdefault("start_date", THIS_YEAR.start - datetime.timedelta(days=365))
    kwargs.setdefault("end_date", (THIS_YEAR + 4).end)
    return ContractFactory(**kwargs)


def year_columns():
    return [str(THIS_YEAR + offset) for offset in range(5)]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_committed_spend_per_year_including_apportioned_periods(staff_client):
    contract = running_contract()
    ContractValueFactory(contract=contract, year=THIS_YEAR.start_year, amount=Decimal("120000"))
    # 1 October this year to 30 September next year: shared between the two by days.
    start = datetime.date(THIS_YEAR.start_year, 10, 1)
    end = datetime.date(THIS_YEAR.start_year + 1, 9, 30)
    ContractValueFactory(contract=contract, start_date=start, end_date=end, amount=Decimal("73200"))
    ExtensionOptionFactory(
        contract=contract, year=(THIS_YEAR + 2).start_year, amount=Decimal("50000")
    )

    response = staff_client.get("/")

    this_year = Decimal("120000") + amount_in_year(Decimal("73200"), start, end, THIS_YEAR)
    next_year = amount_in_year(Decimal("73200"), start, end, THIS_YEAR + 1)
    assert this_year + next_year == Decimal("193200")
    rows = table_rows(response.content, "spend-by-year")
    assert rows[1] == [str(THIS_YEAR), format_money(this_year), "£0", format_money(this_year)]
    assert rows[2] == [str(THIS_YEAR + 1), format_money(next_year), "£0", format_money(next_year)]
    assert rows[3] == [str(THIS_YEAR + 2), "£0", "£50,000", "£50,000"]
    assert [row[0] for row in rows[1:]] == year_columns()


def test_it_splits_spend_by_category_and_funding_stream_with_unrecorded_streams_named(
    staff_client,
):
    victims = CategoryFactory(name="Victim services")
    offenders = CategoryFactory(name="Offender services")
    grant = FundingStreamFactory(name="MoJ victims grant")
    ContractValueFactory(
        contract=running_contract(category=victims),
        year=THIS_YEAR.start_year,
        amount=Decimal("1000"),
        funding_stream=grant,
    )
    ContractValueFactory(
        contract=running_contract(category=victims),
        year=(THIS_YEAR + 1).start_year,
        amount=Decimal("2500.50"),
    )
    ContractValueFactory(
        contract=running_contract(category=offenders),
        year=THIS_YEAR.start_year,
        amount=Decimal("400"),
    )

    content = staff_client.get("/").content

    assert row_named(content, "spend-by-category", "Victim services")[1:3] == [
        "£1,000",
        "£2,500.50",
    ]
    assert row_named(content, "spend-by-category", "Offender services")[1:3] == ["£400", "£0"]
    assert row_named(content, "spend-by-category", "Total")[1:3] == ["£1,400", "£2,500.50"]
    assert row_named(content, "spend-by-funding-stream", "MoJ victims grant")[1:3] == [
        "£1,000",
        "£0",
    ]
    assert row_named(content, "spend-by-funding-stream", "Not recorded")[1:3] == [
        "£400",
        "£2,500.50",
    ]


def test_a_category_cell_shows_the_total_with_options_when_options_remain(staff_client):
    category = CategoryFactory(name="Prevention")
    contract = running_contract(category=category)
    ContractValueFactory(contract=contract, year=THIS_YEAR.start_year + 1, amount=Decimal("9000"))
    ExtensionOptionFactory(contract=contract, year=THIS_YEAR.start_year + 1, amount=Decimal("1000"))

    row = row_named(staff_client.get("/").content, "spend-by-category", "Prevention")

    assert row[2] == "£9,000 £10,000 with options"


def test_archived_pipeline_and_terminated_contracts_and_decided_options_are_not_counted(
    staff_client,
):
    counted = running_contract()
    ContractValueFactory(contract=counted, year=THIS_YEAR.start_year, amount=Decimal("700"))
    archived = running_contract()
    ContractValueFactory(contract=archived, year=THIS_YEAR.start_year, amount=Decimal("5"))
    archived.archive()
    for status in (Status.PLANNED, Status.PROCUREMENT, Status.TERMINATED):
        ContractValueFactory(
            contract=running_contract(status=status),
            year=THIS_YEAR.start_year,
            amount=Decimal("11"),
        )
    ExtensionOptionFactory(
        contract=counted,
        year=THIS_YEAR.start_year + 1,
        amount=Decimal("90"),
        status=OptionStatus.DECLINED,
    )

    rows = table_rows(staff_client.get("/").content, "spend-by-year")

    assert rows[1] == [str(THIS_YEAR), "£700", "£0", "£700"]
    assert rows[2] == [str(THIS_YEAR + 1), "£0", "£0", "£0"]


def test_the_chart_is_an_accessible_image_stating_its_figures(staff_client):
    ContractValueFactory(
        contract=running_contract(), year=THIS_YEAR.start_year, amount=Decimal("123456")
    )

    content = staff_client.get("/").content.decode()

    assert 'role="img"' in content
    assert '<title id="chart-years-title">Committed spend by financial year' in content
    assert f"{THIS_YEAR}: £123,456 committed, £0 options still available" in content
    assert content.count("<svg") == 3


def test_it_lists_contracts_ending_soon_in_bands_with_days_left(staff_client):
    soon = running_contract(title="Ends soon", end_date=TODAY + datetime.timedelta(days=40))
    ContractValueFactory(contract=soon, year=THIS_YEAR.start_year, amount=Decimal("36500"))
    running_contract(title="Ends later", end_date=add_months(TODAY, 9))
    running_contract(title="Ended already", end_date=TODAY - datetime.timedelta(days=1))
    running_contract(title="Far off", end_date=add_months(TODAY, 13))

    content = staff_client.get("/").content.decode()

    first = table_rows(content, "ending-within-3")
    assert first[1][0] == f"Ends soon {soon.reference}"
    assert first[1][2:] == [f"{soon.end_date.day} {soon.end_date:%B %Y}", "40", "£36,500"]
    later = table_rows(content, "ending-within-12")
    assert [row[0].split(" C-")[0] for row in later[1:]] == ["Ends later"]
    assert "No live contracts end in this period." in content  # the 3 to 6 months band
    assert "Ended already" not in content
    assert "Far off" not in content
    assert f'href="/contracts/{soon.reference}/"' in content


def test_it_lists_overdue_and_upcoming_option_decisions(staff_client):
    contract = running_contract(title="Advocacy")
    ExtensionOptionFactory(
        contract=contract,
        year=THIS_YEAR.start_year + 3,
        decision_due=TODAY - datetime.timedelta(days=3),
    )
    ExtensionOptionFactory(
        contract=contract,
        year=THIS_YEAR.start_year + 4,
        decision_due=TODAY + datetime.timedelta(days=30),
        amount=None,
    )
    ExtensionOptionFactory(
        contract=contract,
        year=THIS_YEAR.start_year + 2,
        decision_due=TODAY + datetime.timedelta(days=20),
        status=OptionStatus.EXERCISED,
    )

    content = staff_client.get("/").content

    overdue = table_rows(content, "decisions-overdue")
    upcoming = table_rows(content, "decisions-upcoming")
    assert len(overdue) == 2
    assert overdue[1][3:] == [
        str(THIS_YEAR + 3),
        "£10,000",
        "Nobody named: administrators are told",
    ]
    assert len(upcoming) == 2
    assert upcoming[1][3:] == [
        str(THIS_YEAR + 4),
        "Not stated",
        "Nobody named: administrators are told",
    ]


def test_it_counts_live_contracts_and_current_providers(staff_client):
    running_contract()
    running_contract(lead_provider=ProviderFactory(name="Archived charity"))
    ProviderFactory(name="Archived charity").archive()
    running_contract(end_date=TODAY - datetime.timedelta(days=1))
    running_contract(status=Status.PLANNED)

    content = staff_client.get("/").content.decode()

    assert 'data-figure="live-contracts">2<' in content
    assert 'data-figure="providers">3<' in content


def make_register(size):
    providers = [ProviderFactory() for _ in range(3)]
    streams = [FundingStreamFactory(), None]
    for number in range(size):
        contract = running_contract(
            lead_provider=providers[number % 3],
            end_date=add_months(TODAY, number % 14 + 1),
        )
        ContractValueFactory(
            contract=contract,
            year=THIS_YEAR.start_year,
            funding_stream=streams[number % 2],
        )
        ExtensionOptionFactory(
            contract=contract,
            year=THIS_YEAR.start_year + 2,
            decision_due=add_months(TODAY, number % 13 - 1),
        )


def test_the_dashboard_runs_as_many_queries_for_200_contracts_as_for_5(
    staff_client, django_assert_max_num_queries, django_assert_num_queries
):
    make_register(5)
    # 20, not the pages' 14: the first view after an edit computes the cached totals.
    with django_assert_max_num_queries(20) as few:
        staff_client.get("/")
    make_register(195)
    with django_assert_num_queries(len(few.captured_queries)):
        page = staff_client.get("/").content.decode()
    assert "Contracts ending" in page


@pytest.mark.django_db
def test_it_shows_spend_from_a_chosen_financial_year(client, django_user_model):
    contract = ContractFactory(
        start_date=datetime.date(2019, 4, 1), end_date=datetime.date(2021, 3, 31)
    )
    ContractValueFactory(contract=contract, year=2020, amount=Decimal("123456"))
    user = django_user_model.objects.create_user("officer", password="not-used-here")
    client.force_login(user)

    response = client.get("/", {"from": "2020/21"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Committed spend, 2020/21 to 2024/25" in page
    assert "£123,456" in page


@pytest.mark.django_db
def test_it_explains_a_malformed_year_and_shows_this_year(client, django_user_model):
    user = django_user_model.objects.create_user("officer", password="not-used-here")
    client.force_login(user)

    response = client.get("/", {"from": "2024/26"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a financial year" in page
    assert f"Committed spend, {FinancialYear.current()} to" in page
