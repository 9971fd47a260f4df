import datetime
from decimal import Decimal

import pytest

from commissioning.formats import format_money
from commissioning.fy import FinancialYear, amount_in_year
from contracts.models import ContractPartner
from tests.conftest import PAGE_MOST_QUERIES
from tests.factories import (
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ProviderFactory,
)
from tests.html_tables import row_named, table_rows

pytestmark = pytest.mark.django_db

THIS_YEAR = FinancialYear.current()


def provider_rows(response):
    rows = table_rows(response.content, "providers")
    return [row for row in rows[1:] if len(row) > 1]


@pytest.mark.parametrize("url", ["/providers/", "/providers/1/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_counts_contracts_held_as_lead_or_partner_once_each(staff_client):
    hope = ProviderFactory(name="Hope Trust")
    led = ContractFactory(lead_provider=hope)
    ContractPartnerFactory(contract=led, provider=hope, area="North")  # also a partner: once
    ContractPartnerFactory(contract=ContractFactory(), provider=hope, area="West")
    archived = ContractFactory(lead_provider=hope)
    archived.archive()
    ProviderFactory(name="Gone Ltd").archive()

    rows = provider_rows(staff_client.get("/providers/"))

    names = [row[0] for row in rows]
    assert "Gone Ltd" not in names
    assert row_named(staff_client.get("/providers/").content, "providers", "Hope Trust")[2] == "2"


def test_the_annual_value_is_this_years_value_of_contracts_the_provider_leads(staff_client):
    hope = ProviderFactory(name="Hope Trust")
    led = ContractFactory(lead_provider=hope)
    ContractValueFactory(contract=led, year=THIS_YEAR.start_year, amount=Decimal("50000"))
    ContractValueFactory(contract=led, year=THIS_YEAR.start_year - 1, amount=Decimal("999"))
    start = datetime.date(THIS_YEAR.start_year, 7, 1)
    end = datetime.date(THIS_YEAR.start_year + 1, 6, 30)
    ContractValueFactory(contract=led, start_date=start, end_date=end, amount=Decimal("10000"))
    partnered = ContractFactory()
    ContractPartnerFactory(contract=partnered, provider=hope)
    ContractValueFactory(contract=partnered, year=THIS_YEAR.start_year, amount=Decimal("7777"))

    response = staff_client.get("/providers/")

    expected = Decimal("50000") + amount_in_year(Decimal("10000"), start, end, THIS_YEAR)
    row = row_named(response.content, "providers", "Hope Trust")
    assert row == ["Hope Trust", "Charity", "2", format_money(expected), "£60,999"]
    assert f"Annual value {THIS_YEAR}" in response.content.decode()


def test_the_list_filters_by_name_and_kind(staff_client):
    ProviderFactory(name="Hope Trust", kind="charity")
    ProviderFactory(name="Hope Homes CIC", kind="cic")
    ProviderFactory(name="County Council", kind="public_body")

    by_name = [row[0] for row in provider_rows(staff_client.get("/providers/?name=hope"))]
    by_both = [row[0] for row in provider_rows(staff_client.get("/providers/?name=hope&kind=cic"))]

    assert by_name == ["Hope Homes CIC", "Hope Trust"]
    assert by_both == ["Hope Homes CIC"]


def test_an_unknown_kind_shows_a_message_on_the_form_not_an_error(staff_client):
    ProviderFactory(name="Hope Trust")

    response = staff_client.get("/providers/?kind=spaceship")

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "Select a kind of organisation from the list" in content
    assert "Hope Trust" not in content


def test_the_list_sorts_by_annual_value(staff_client):
    for name, amount in [("Small", "100"), ("Large", "9000"), ("Middle", "500")]:
        ContractValueFactory(
            contract=ContractFactory(lead_provider=ProviderFactory(name=name)),
            year=THIS_YEAR.start_year,
            amount=Decimal(amount),
        )

    ascending = provider_rows(staff_client.get("/providers/?sort=annual_value"))
    descending = provider_rows(staff_client.get("/providers/?sort=-annual_value"))

    assert [row[0] for row in ascending] == ["Small", "Middle", "Large"]
    assert [row[0] for row in descending] == ["Large", "Middle", "Small"]


def test_the_detail_page_shows_the_providers_details(staff_client):
    provider = ProviderFactory(
        name="Hope Trust",
        kind="charity",
        charity_number="1234567",
        company_number="07654321",
        website="https://hope.example.org/",
        phone="01228 000000",
        email="info@hope.example.org",
        notes="Slow to invoice.",
    )

    content = staff_client.get(f"/providers/{provider.pk}/").content.decode()

    assert '<h1 class="govuk-heading-xl">Hope Trust</h1>' in content
    for text in (
        "1234567",
        "07654321",
        "GB-CHC-1234567",
        'href="https://hope.example.org/"',
        "01228 000000",
        "mailto:info@hope.example.org",
    ):
        assert text in content
    assert "Slow to invoice." not in content  # internal notes are for editors only


def test_the_detail_page_lists_contracts_held_with_role_area_and_values(staff_client):
    hope = ProviderFactory(name="Hope Trust")
    led = ContractFactory(title="Victim support", lead_provider=hope, lead_provider_area="South")
    ContractValueFactory(contract=led, year=THIS_YEAR.start_year, amount=Decimal("1200"))
    ContractValueFactory(contract=led, year=THIS_YEAR.start_year + 1, amount=Decimal("1300"))
    partnered = ContractFactory(title="Advocacy", lead_provider=ProviderFactory(name="Lead Co"))
    ContractPartnerFactory(
        contract=partnered, provider=hope, area="West", role=ContractPartner.Role.SUBCONTRACTOR
    )
    ContractFactory(title="Someone else's")

    response = staff_client.get(f"/providers/{hope.pk}/")

    rows = table_rows(response.content, "provider-contracts")
    by_title = {row[0].rsplit(" ", 1)[0]: row for row in rows[1:]}
    assert set(by_title) == {"Victim support", "Advocacy"}
    assert by_title["Victim support"][1] == "Lead provider, South"
    assert by_title["Victim support"][4:] == ["£1,200", "£2,500"]
    assert by_title["Advocacy"][1] == "Subcontractor, West Lead: Lead Co"
    content = response.content.decode()
    assert 'data-figure="contracts-held">2<' in content
    assert 'data-figure="annual-value">£1,200<' in content
    assert 'data-figure="total-value">£2,500<' in content


def test_the_detail_page_counts_each_current_contract_held_once_as_it_lists_them(staff_client):
    hope = ProviderFactory(name="Hope Trust")
    both = ContractFactory(title="Led and partnered", lead_provider=hope)
    ContractPartnerFactory(contract=both, provider=hope, area="North")
    ContractPartnerFactory(contract=both, provider=hope, area="West")
    ContractFactory(title="Led only", lead_provider=hope)
    ContractPartnerFactory(contract=ContractFactory(title="Partnered only"), provider=hope)
    archived = ContractFactory(title="Archived", lead_provider=hope)
    ContractPartnerFactory(contract=archived, provider=hope)
    archived.archive()
    ContractFactory(title="Someone else's")

    response = staff_client.get(f"/providers/{hope.pk}/")

    rows = table_rows(response.content, "provider-contracts")[1:]
    assert sorted(row[0].rsplit(" ", 1)[0] for row in rows) == [
        "Led and partnered",
        "Led only",
        "Partnered only",
    ]
    assert 'data-figure="contracts-held">3<' in response.content.decode()


def test_an_unknown_provider_is_not_found(staff_client):
    assert staff_client.get("/providers/999999/").status_code == 404


def add_contracts(providers, size):
    for number in range(size):
        contract = ContractFactory(lead_provider=providers[number % 4])
        ContractPartnerFactory(contract=contract, provider=providers[(number + 1) % 4])
        ContractValueFactory(contract=contract, year=THIS_YEAR.start_year)


def test_the_list_and_detail_run_as_many_queries_for_200_contracts_as_for_5(
    staff_client, django_assert_max_num_queries, django_assert_num_queries
):
    providers = [ProviderFactory() for _ in range(4)]
    add_contracts(providers, 5)
    detail_url = f"/providers/{providers[0].pk}/"
    with django_assert_max_num_queries(PAGE_MOST_QUERIES) as few_list:
        staff_client.get("/providers/")
    with django_assert_max_num_queries(PAGE_MOST_QUERIES) as few_detail:
        staff_client.get(detail_url)
    add_contracts(providers, 195)
    ProviderFactory.create_batch(60)

    with django_assert_num_queries(len(few_list.captured_queries)):
        listed = staff_client.get("/providers/", {"page": 2}).content.decode()
    with django_assert_num_queries(len(few_detail.captured_queries)):
        detail = staff_client.get(detail_url).content.decode()
    assert "Showing 51 to" in listed
    assert (
        detail.count('href="/contracts/') >= 100
    )  # 200 contracts over 4 providers, lead or partner


def small_register():
    """Providers leading, partnering (their own contracts too, some in two areas), holding
    archived contracts or nothing, with values this year and in others."""
    names = ["Alder", "Birch", "Cedar", "Damson", "Elm", "Fir"]
    providers = [ProviderFactory(name=name) for name in names]
    for number, lead in enumerate(providers * 2):
        if lead.name == "Fir":
            continue  # Fir holds nothing
        contract = ContractFactory(lead_provider=lead)
        ContractValueFactory(
            contract=contract,
            year=THIS_YEAR.start_year - number % 2,
            amount=Decimal(1000 + 137 * number),
        )
        partner = providers[(number + 1) % 5]
        ContractPartnerFactory(contract=contract, provider=partner, area="North")
        if number % 3 == 0:
            ContractPartnerFactory(contract=contract, provider=partner, area="South")
        if number % 4 == 0:
            ContractPartnerFactory(contract=contract, provider=lead, area="East")
        if number == 7:
            contract.archive()
    return providers


def expected_holdings(provider):
    """What the provider list should show, worked out from what each contract holds."""
    from contracts.models import Contract

    held = Contract.objects.current().of_provider(provider)
    led = list(held.filter(lead_provider=provider).prefetch_related("values"))
    return [
        provider.name,
        str(held.count()),
        format_money(sum((c.value_in(THIS_YEAR) for c in led), Decimal(0))),
        format_money(sum((c.total_value for c in led), Decimal(0))),
    ]


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("contracts_held", 1, False),
        ("-contracts_held", 1, True),
        ("annual_value", 2, False),
        ("-annual_value", 2, True),
        ("-total_value", 3, True),
    ],
)
def test_the_list_sorted_by_what_providers_hold_shows_the_figures_of_each_contract(
    staff_client, sort, key, reverse
):
    providers = small_register()
    expected = [expected_holdings(provider) for provider in providers]

    def amount(text):
        return Decimal(text.replace("£", "").replace(",", "") or 0)

    rows = [
        [row[0], row[2], row[3], row[4]]
        for row in provider_rows(staff_client.get(f"/providers/?sort={sort}"))
    ]

    assert sorted(rows) == sorted(expected)
    figures = [amount(row[key]) for row in rows]
    assert figures == sorted(figures, reverse=reverse)
    # Alder: leads 2, partners 2 (and its own once); Birch: one of 2 archived; Fir: nothing.
    assert [row[1] for row in sorted(rows)] == ["4", "3", "4", "3", "4", "0"]
