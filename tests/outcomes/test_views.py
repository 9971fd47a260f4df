import datetime
from decimal import Decimal

import pytest

from outcomes.models import OutcomeKind, Unit
from tests.conftest import PAGE_MOST_QUERIES
from tests.factories import (
    CategoryFactory,
    ContractFactory,
    MeasureFactory,
    OutcomeFactory,
    ProviderFactory,
)
from tests.html_tables import table_rows

pytestmark = pytest.mark.django_db


def statements(response):
    """The statement column of the outcomes table, without the kind shown under each."""
    rows = table_rows(response.content, "outcomes")[1:]
    kinds = tuple(f" {label}" for label in OutcomeKind.labels)
    return sorted(
        next(row[3].removesuffix(kind) for kind in kinds if row[3].endswith(kind))
        for row in rows
        if len(row) > 1
    )


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/outcomes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_figure_for_a_measure_is_shown_side_by_side(staff_client):
    safer = MeasureFactory(name="Feeling safer")
    idva = ContractFactory(title="IDVA service", lead_provider=ProviderFactory(name="Hope Trust"))
    isva = ContractFactory(title="ISVA service", lead_provider=ProviderFactory(name="Safe Ltd"))
    OutcomeFactory(
        contract=idva,
        measure=safer,
        text="87% of IDVA clients felt safer",
        value=Decimal("87.00"),
        unit=Unit.PERCENT,
        cohort="IDVA clients",
        period_label="2021–22 service users",
        source="Closure report 2022",
    )
    OutcomeFactory(
        contract=isva,
        measure=safer,
        text="Most felt safer",
        value=Decimal("92.50"),
        unit=Unit.PERCENT,
        period_start=datetime.date(2022, 4, 1),
        period_end=datetime.date(2023, 3, 31),
    )
    OutcomeFactory(contract=idva, measure=MeasureFactory(name="Referrals"), text="546 victims")

    response = staff_client.get(f"/outcomes/?measure={safer.pk}")

    rows = table_rows(response.content, "outcomes")
    assert rows[0] == [
        "Contract, sort ascending",
        "Provider, sort ascending",
        "Measure, sort ascending",
        "Statement",
        "Value, sort ascending",
        "Cohort",
        "Period, sort ascending",
        "Source",
    ]
    assert rows[1] == [
        f"IDVA service {idva.reference}",
        "Hope Trust",
        "Feeling safer",
        "87% of IDVA clients felt safer Measured result",
        "87%",
        "IDVA clients",
        "2021–22 service users",
        "Closure report 2022",
    ]
    assert rows[2][4] == "92.5%"
    assert rows[2][6] == "April 2022 to March 2023"
    assert len(rows) == 3


def test_values_read_as_counts_money_durations_and_ratios(staff_client):
    OutcomeFactory(text="Victims helped", value=Decimal("546"), unit=Unit.COUNT)
    OutcomeFactory(text="Saved", value=Decimal("1200"), unit=Unit.POUNDS)
    OutcomeFactory(text="Contacted within", value=Decimal("5"), unit=Unit.DAYS)
    OutcomeFactory(text="Engaged", numerator=12, denominator=16)

    rows = table_rows(staff_client.get("/outcomes/?sort=contract").content, "outcomes")[1:]

    assert [row[4] for row in rows] == ["546", "£1,200", "5 days", "12 of 16 (75%)"]


def test_it_filters_by_kind_category_provider_and_text(staff_client):
    victims = CategoryFactory(name="Victims")
    hope = ProviderFactory(name="Hope Trust")
    OutcomeFactory(
        contract=ContractFactory(category=victims, lead_provider=hope),
        kind=OutcomeKind.RESULT,
        text="Result for victims",
    )
    OutcomeFactory(
        contract=ContractFactory(category=victims),
        kind=OutcomeKind.TARGET,
        text="Target for victims",
        cohort="Young people",
    )
    OutcomeFactory(kind=OutcomeKind.RESULT, text="Result elsewhere")

    assert statements(staff_client.get("/outcomes/?kind=result")) == [
        "Result elsewhere",
        "Result for victims",
    ]
    assert statements(staff_client.get(f"/outcomes/?category={victims.pk}")) == [
        "Result for victims",
        "Target for victims",
    ]
    assert statements(staff_client.get(f"/outcomes/?provider={hope.pk}")) == ["Result for victims"]
    assert statements(staff_client.get("/outcomes/?provider=hope+trust")) == ["Result for victims"]
    assert statements(staff_client.get("/outcomes/?q=young")) == ["Target for victims"]


def test_it_filters_by_the_financial_year_a_period_touches(staff_client):
    OutcomeFactory(
        text="Within 2022 to 23",
        period_start=datetime.date(2022, 4, 1),
        period_end=datetime.date(2023, 3, 31),
    )
    OutcomeFactory(
        text="Straddling",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    OutcomeFactory(text="End stated only", period_end=datetime.date(2023, 3, 31))
    OutcomeFactory(
        text="Earlier",
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2022, 3, 31),
    )
    OutcomeFactory(text="Undated")

    assert statements(staff_client.get("/outcomes/?period=2022/23")) == [
        "End stated only",
        "Straddling",
        "Within 2022 to 23",
    ]
    assert statements(staff_client.get("/outcomes/?period=2023")) == ["Straddling"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2022/24", "is not a financial year"),
        ("period=soon", "is not a financial year"),
        ("kind=rumour", "Select a kind of outcome from the list"),
        ("measure=999999", "Select a measure from the list"),
        ("provider=abc", "No provider is called “abc”"),
        ("provider=999999", "There is no provider number 999999"),
    ],
)
def test_an_invalid_filter_shows_a_message_on_the_form_not_an_error(staff_client, query, message):
    OutcomeFactory(text="Visible when unfiltered")

    response = staff_client.get(f"/outcomes/?{query}")

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert "Visible when unfiltered" not in content


def test_outcomes_of_archived_contracts_are_not_listed(staff_client):
    archived = ContractFactory()
    OutcomeFactory(contract=archived, text="From an archived contract")
    archived.archive()
    OutcomeFactory(text="Current")

    assert statements(staff_client.get("/outcomes/")) == ["Current"]


def add_outcomes(size, measures):
    for number in range(size):
        OutcomeFactory(measure=measures[number % 3], value=Decimal(number % 100), unit=Unit.PERCENT)


def test_the_list_runs_as_many_queries_for_200_contracts_as_for_5(
    staff_client, django_assert_max_num_queries, django_assert_num_queries
):
    measures = [MeasureFactory() for _ in range(3)]
    add_outcomes(5, measures)
    with django_assert_max_num_queries(PAGE_MOST_QUERIES) as few:
        staff_client.get("/outcomes/")
    add_outcomes(195, measures)
    with django_assert_num_queries(len(few.captured_queries)):
        page = staff_client.get("/outcomes/").content.decode()
    assert "of 200" in page  # "Showing 1 to 50 of 200"


def test_the_provider_filter_is_typed_not_a_list_of_every_provider(staff_client):
    """A national register has 20,000 providers: the page never lists them all (drawing
    them took 170 ms of CPU per page at 100,000 contracts, bench/results.md)."""
    OutcomeFactory(contract=ContractFactory(lead_provider=ProviderFactory(name="Hope Trust")))
    ProviderFactory(name="Unrelated Ltd")

    content = staff_client.get("/outcomes/").content.decode()

    assert 'data-suggest-url="/providers/suggest.json"' in content
    assert "Unrelated Ltd" not in content
