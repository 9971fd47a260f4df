"""The register page (/contracts/), its exports, and a contract's page, as a user sees them."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import factory
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.measure import count_queries as count_statements
from commissioning.fy import FinancialYear
from contracts.models import (
    ContractPartner,
    DecisionOutcome,
    OptionStatus,
    RenewalDecision,
    Status,
)
from outcomes.models import OutcomeKind
from tests.conftest import PAGE_MOST_QUERIES
from tests.factories import (
    CategoryFactory,
    CohortFactory,
    CommissioningBodyFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    MeasureFactory,
    OutcomeFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

REGISTER = "/contracts/"


def text_of(response):
    """The page's text with tags removed and whitespace collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row_references(response):
    """References in the register table's rows, in page order."""
    body = response.content.decode().split('<tbody class="govuk-table__body">', 1)[1]
    return re.findall(r'href="/contracts/([^/"]+)/">', body.split("</tbody>", 1)[0])


def this_year():
    return FinancialYear.current()


# Access --------------------------------------------------------------------


@pytest.mark.parametrize("url", [REGISTER, "/contracts/C-1/", REGISTER + "?_export=csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    ContractFactory(reference="C-1")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_an_editor_sees_the_admin_link(editor_client):
    assert 'href="/admin/"' in editor_client.get(REGISTER).content.decode()


def test_an_officer_sees_no_admin_link(staff_client):
    page = staff_client.get(REGISTER).content.decode()
    assert 'href="/admin/"' not in page
    assert "Sign out" in page


# The register ----------------------------------------------------------------


def test_the_register_shows_each_contract_with_its_money_dates_and_status(staff_client):
    contract = ContractFactory(
        reference="VS-CORE",
        title="Victim Support core service",
        category=CategoryFactory(name="All crimes"),
        lead_provider=ProviderFactory(name="Victim Support"),
        start_date=this_year().start,
        end_date=datetime.date(this_year().start_year + 3, 3, 31),
    )
    ContractValueFactory(contract=contract, year=this_year().start_year, amount=Decimal(994502))
    ContractValueFactory(
        contract=contract, year=this_year().start_year + 1, amount=Decimal("1000.50")
    )

    response = staff_client.get(REGISTER)

    assert response.status_code == 200
    text = text_of(response)
    assert "1 contract" in text
    assert 'href="/contracts/VS-CORE/"' in response.content.decode()
    for shown in ["Victim Support core service", "All crimes", "Victim Support", "Live"]:
        assert shown in text
    assert f"Value {this_year()}" in text
    assert "£994,502" in text
    assert "£995,502.50" in text
    assert f"31 March {this_year().start_year + 3}" in text


def test_a_contract_ending_soon_says_in_how_many_days(staff_client):
    ContractFactory(reference="SOON", end_date=timezone.localdate() + datetime.timedelta(days=45))
    ContractFactory(reference="LATER", end_date=timezone.localdate() + datetime.timedelta(days=400))
    text = text_of(staff_client.get(REGISTER))
    assert "ends in 45 days" in text
    assert "ends in 400 days" not in text


def test_a_live_contract_past_its_end_date_shows_as_ended(staff_client):
    ContractFactory(reference="OLD", status=Status.LIVE, end_date=datetime.date(2023, 3, 31))
    assert "Ended" in text_of(staff_client.get(REGISTER))


def test_archived_contracts_are_not_listed(staff_client):
    ContractFactory(reference="KEPT")
    ContractFactory(reference="ARCHIVED").archive()
    assert row_references(staff_client.get(REGISTER)) == ["KEPT"]


def test_filters_from_the_query_string_narrow_the_register(staff_client):
    provider = ProviderFactory(name="Remedi")
    ContractFactory(reference="MINE", lead_provider=provider)
    ContractFactory(reference="THEIRS")
    response = staff_client.get(REGISTER, {"provider": provider.pk, "q": "mine"})
    assert row_references(response) == ["MINE"]
    text = text_of(response)
    assert "Selected filters" in text
    assert "Provider: Remedi" in text


def test_the_filter_form_keeps_what_was_typed(staff_client):
    page = staff_client.get(REGISTER, {"q": "isva", "financial_year": "2023/24"}).content
    assert b'name="q" value="isva"' in page
    assert b'name="financial_year" value="2023/24"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"financial_year": "soon"}, "is not a financial year: write it as 2024/25"),
        ({"ending_within": "-3"}, "Ending within must be at least 1 month"),
        ({"value_min": "a lot"}, "is not an amount of money"),
        ({"category": "99999"}, "Select a category from the list"),
        ({"status": "asleep"}, "Select a status from the list"),
        ({"options_remaining": "perhaps"}, "Select yes or no"),
        ({"value_min": "9000", "value_max": "10"}, "must be the same as or more than"),
    ],
)
def test_a_bad_filter_value_shows_a_govuk_error_not_a_500(staff_client, query, message):
    ContractFactory(reference="ANY")
    response = staff_client.get(REGISTER, query)
    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "There is a problem" in summary
    assert message in summary
    assert 'class="govuk-error-message"' in page
    assert message in page.split('class="govuk-error-message"', 1)[1]
    assert "<title>Error: Register" in page
    # The rows are not shown as if the filter had been applied.
    assert "Correct the filters to see the register" in page
    assert "<tbody" not in page


def test_an_export_with_a_bad_filter_shows_the_errors_instead(staff_client):
    response = staff_client.get(REGISTER, {"_export": "csv", "financial_year": "soon"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("export_format", ["json", "yaml", "latex", "exe"])
def test_only_csv_and_xlsx_exports_are_offered(staff_client, export_format):
    ContractFactory(reference="ONE")
    response = staff_client.get(REGISTER, {"_export": export_format})
    assert response["Content-Type"].startswith("text/html")
    assert row_references(response) == ["ONE"]


# Sorting and pagination -------------------------------------------------------


def make_valued(reference, amount, provider_name):
    contract = ContractFactory(
        reference=reference, lead_provider=ProviderFactory(name=provider_name)
    )
    ContractValueFactory(contract=contract, amount=Decimal(amount))
    return contract


def test_sorting_by_total_value_both_ways(staff_client):
    make_valued("MID", 500, "B")
    make_valued("BIG", 9000, "C")
    make_valued("SMALL", 10, "A")
    assert row_references(staff_client.get(REGISTER, {"sort": "total_amount"})) == [
        "SMALL",
        "MID",
        "BIG",
    ]
    assert row_references(staff_client.get(REGISTER, {"sort": "-total_amount"})) == [
        "BIG",
        "MID",
        "SMALL",
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("lead_provider", ["SMALL", "MID", "BIG"]),
        ("-lead_provider", ["BIG", "MID", "SMALL"]),
        ("reference", ["BIG", "MID", "SMALL"]),
        ("-title", ["MID", "SMALL", "BIG"]),
    ],
)
def test_sorting_by_other_columns(staff_client, sort, expected):
    for reference, amount, provider, title in [
        ("MID", 500, "B", "Zeta"),
        ("BIG", 9000, "C", "Alpha"),
        ("SMALL", 10, "A", "Mu"),
    ]:
        contract = make_valued(reference, amount, provider)
        contract.title = title
        contract.save()
    assert row_references(staff_client.get(REGISTER, {"sort": sort})) == expected


def test_sort_links_keep_the_filters_and_mark_the_sorted_column(staff_client):
    ContractFactory(reference="ONE", title="Service")
    page = staff_client.get(REGISTER, {"q": "service", "sort": "title", "page": "1"})
    html = page.content.decode()
    assert 'aria-sort="ascending"' in html
    assert "?q=service&amp;sort=-title" in html


def test_an_unknown_sort_column_is_ignored_not_a_500(staff_client):
    ContractFactory(reference="ONE")
    response = staff_client.get(REGISTER, {"sort": "internal_notes"})
    assert response.status_code == 200
    assert row_references(response) == ["ONE"]


def test_the_register_is_paginated_fifty_to_a_page(staff_client):
    ContractFactory.create_batch(60, category=CategoryFactory(name="Same"))
    first = staff_client.get(REGISTER)
    second = staff_client.get(REGISTER, {"page": 2})
    assert len(row_references(first)) == 50
    assert len(row_references(second)) == 10
    assert "Showing 51 to 60 of 60" in text_of(second)
    assert not set(row_references(first)) & set(row_references(second))
    assert 'aria-label="Page 2"' in first.content.decode()


@pytest.mark.parametrize("page", ["99", "x", "-1"])
def test_a_page_number_that_does_not_exist_shows_a_page_rather_than_a_500(staff_client, page):
    ContractFactory(reference="ONE")
    response = staff_client.get(REGISTER, {"page": page})
    assert response.status_code == 200
    assert row_references(response) == ["ONE"]


# htmx ----------------------------------------------------------------------


def test_an_htmx_request_gets_only_the_register_fragment(staff_client):
    ContractFactory(reference="ONE")
    response = staff_client.get(REGISTER, {"q": "one"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="register"')
    assert "<html" not in html
    assert row_references(response) == ["ONE"]
    assert "HX-Request" in response["Vary"]


def test_the_full_page_wires_filters_and_sorting_to_htmx_with_the_url_pushed(staff_client):
    ContractFactory(reference="ONE")
    html = staff_client.get(REGISTER).content.decode()
    form = html.split("<form", 2)[2].split(">", 1)[0]  # the first form is sign-out
    assert 'method="get"' in form
    assert 'hx-get="/contracts/"' in form
    assert 'hx-target="#register"' in form
    assert 'hx-push-url="true"' in form
    assert 'hx-push-url="true"' in html.split("<thead", 1)[1].split("</thead>", 1)[0]


# Exports ---------------------------------------------------------------------


def test_csv_export_has_every_filtered_row_across_pages_with_money_as_numbers(staff_client):
    category = CategoryFactory(name="Exported")
    for number in range(60):
        contract = ContractFactory(reference=f"EXP-{number:02d}", category=category)
        ContractValueFactory(
            contract=contract, year=this_year().start_year, amount=Decimal("1234.5")
        )
    ContractFactory(reference="NOT-EXPORTED")

    response = staff_client.get(REGISTER, {"category": category.pk, "_export": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 60
    assert {row["Reference"] for row in rows} == {f"EXP-{n:02d}" for n in range(60)}
    assert Decimal(rows[0]["Total value"]) == Decimal("1234.50")
    assert Decimal(rows[0][f"Value {this_year()}"]) == Decimal("1234.50")
    assert "£" not in response.content.decode()


def test_xlsx_export_has_numbers_and_dates_as_spreadsheet_values(staff_client):
    contract = ContractFactory(reference="XL-1", end_date=datetime.date(2030, 3, 31))
    ContractValueFactory(contract=contract, year=this_year().start_year, amount=Decimal(5000))

    response = staff_client.get(REGISTER, {"_export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Reference"] == "XL-1"
    assert row["Total value"] == 5000
    assert isinstance(row["Total value"], int | float)
    assert row["End date"].date() == datetime.date(2030, 3, 31)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_exports_neutralise_text_that_a_spreadsheet_would_run_as_a_formula(
    staff_client, export_format
):
    ContractFactory(reference="F-1", title='=HYPERLINK("http://evil.example","click")')
    ContractFactory(reference="F-2", title="+44 helpline", lead_provider=ProviderFactory(name="@x"))
    ContractFactory(reference="F-3", title="-1 reduction")
    ContractFactory(reference="F-4", title="Plain title")

    response = staff_client.get(REGISTER, {"_export": export_format, "sort": "reference"})

    if export_format == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.values)
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    titles = [row["Title"] for row in rows]
    assert titles == [
        '\'=HYPERLINK("http://evil.example","click")',
        "'+44 helpline",
        "'-1 reduction",
        "Plain title",
    ]
    assert rows[1]["Lead provider"] == "'@x"


def test_the_page_offers_downloads_of_the_same_filtered_list(staff_client):
    ContractFactory(reference="ONE")
    html = staff_client.get(REGISTER, {"q": "one", "sort": "title", "page": 1}).content.decode()
    assert 'href="?q=one&amp;sort=title&amp;_export=csv"' in html
    assert 'href="?q=one&amp;sort=title&amp;_export=xlsx"' in html


# Query counts ------------------------------------------------------------------


def make_register(count, prefix):
    stream = FundingStreamFactory(name="Stream")
    for number in range(count):
        contract = ContractFactory(
            reference=f"{prefix}-{number:04d}",
            title=f"Service {prefix} {number}",
            end_date=timezone.localdate() + datetime.timedelta(days=number + 1),
        )
        ContractValueFactory(contract=contract, year=this_year().start_year, funding_stream=stream)
        ExtensionOptionFactory(contract=contract, year=this_year().start_year + 3)
        ContractPartnerFactory(contract=contract)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "service", "sort": "-total_amount", "options_remaining": "yes", "status": "live"},
        {"_export": "csv"},
    ],
)
def test_the_register_runs_the_same_number_of_queries_for_5_or_200_contracts(
    staff_client, django_assert_max_num_queries, django_assert_num_queries, query
):
    make_register(5, prefix="A")
    with django_assert_max_num_queries(PAGE_MOST_QUERIES) as with_five:
        staff_client.get(REGISTER, query)

    make_register(195, prefix="B")

    with django_assert_num_queries(len(with_five.captured_queries)):
        response = staff_client.get(REGISTER, query)
    if query.get("_export") == "csv":
        assert len(list(csv.reader(io.StringIO(response.content.decode())))) == 1 + 200
    else:
        assert "Service " in response.content.decode()


# A contract's page -------------------------------------------------------------


@pytest.fixture
def full_contract():
    """A contract with one of everything the page shows."""
    pcc = CommissioningBodyFactory(name="Police and Crime Commissioner")
    council = CommissioningBodyFactory(name="Westmorland and Furness Council")
    grant = FundingStreamFactory(name="MoJ victims grant")
    parent = ContractFactory(reference="PARENT", title="Main victim service")
    contract = ContractFactory(
        reference="IDVA",
        title="Independent domestic violence advisers",
        parent=parent,
        category=CategoryFactory(name="Domestic abuse"),
        description="Advocacy for victims at high risk.",
        status=Status.LIVE,
        status_note="Contract being extended",
        start_date=datetime.date(2022, 4, 1),
        end_date=datetime.date(2030, 3, 31),
        lead_provider=ProviderFactory(name="Victim Support"),
        lead_provider_area="North",
        lead_commissioner=pcc,
        decision_reference="PCC-DEC-2022-014",
        contract_manager="Jo Bloggs",
        procurement_route="open_tender",
        internal_notes="We are not the contract manager, so no satisfaction data.",
    )
    contract.cohorts.add(CohortFactory(name="Victims of domestic abuse"))
    contract.co_commissioners.add(council)
    ContractPartnerFactory(
        contract=contract,
        provider=ProviderFactory(name="Safety Net"),
        area="West",
        role=ContractPartner.Role.SUBCONTRACTOR,
        description="Support for children",
    )
    ContractValueFactory(contract=contract, year=2022, amount=Decimal("129500"))
    ContractValueFactory(
        contract=contract, year=2023, amount=Decimal("130000"), funding_stream=grant, payer=council
    )
    ExtensionOptionFactory(
        contract=contract,
        year=2030,
        amount=Decimal("130000"),
        decision_due=datetime.date(2029, 9, 30),
    )
    ExtensionOptionFactory(
        contract=contract, year=2031, amount=Decimal("1"), status=OptionStatus.DECLINED
    )
    ContractFactory(reference="IDVA-MALE", title="Male IDVA", parent=contract)
    felt_safer = MeasureFactory(name="Feeling safer")
    OutcomeFactory(
        contract=contract,
        kind=OutcomeKind.RESULT,
        text="87% of IDVA clients felt safer",
        measure=felt_safer,
        cohort="IDVA clients",
        period_label="2021–22 service users",
        source="Contract closure report 2020–2022",
    )
    OutcomeFactory(contract=contract, kind=OutcomeKind.STATISTIC, text="546 victims in 2022")
    OutcomeFactory(contract=contract, kind=OutcomeKind.TARGET, text="Contact within 5 days")
    OutcomeFactory(contract=contract, kind=OutcomeKind.AIM, text="Victims cope and recover")
    OutcomeFactory(
        contract=contract,
        kind=OutcomeKind.TESTIMONIAL,
        text="I am almost half way to recovery.",
        attribution="ISVA service user",
    )
    OutcomeFactory(contract=contract, kind=OutcomeKind.CASE_STUDY, text="A family helped.")
    OutcomeFactory(contract=contract, kind=OutcomeKind.AWARD, text="Quality mark 2023")
    return contract


def test_a_contract_page_shows_everything_the_register_holds(staff_client, full_contract):
    response = staff_client.get("/contracts/IDVA/")
    assert response.status_code == 200
    text = text_of(response)
    for shown in [
        "Independent domestic violence advisers",
        "Domestic abuse",
        "Victims of domestic abuse",
        "Advocacy for victims at high risk.",
        "Contract",
        "Open tender",
        "Live",
        "Contract being extended",
        "1 April 2022",
        "31 March 2030",
        "31 March 2031",  # latest end with the available option
        "PCC-DEC-2022-014",
        "Jo Bloggs",
        "Victim Support",
        "(North)",
        "Safety Net",
        "Subcontractor",
        "West",
        "Support for children",
        "Police and Crime Commissioner",
        "Westmorland and Furness Council",
        "MoJ victims grant",
        "2022/23",
        "£129,500",
        "2023/24",
        "£130,000",
        "Total £259,500",
        "Total with options remaining £389,500",
        "30 September 2029",
        "Available",
        "Declined",
        "87% of IDVA clients felt safer",
        "Measure: Feeling safer",
        "Cohort: IDVA clients",
        "Period: 2021–22 service users",
        "Source: Contract closure report 2020–2022",
        "Activity",
        "546 victims in 2022",
        "Targets and standards",
        "Contact within 5 days",
        "Intended outcomes",
        "Victims cope and recover",
        "I am almost half way to recovery.",
        "ISVA service user",
        "A family helped.",
        "Quality mark 2023",
    ]:
        assert shown in text, shown
    paid_by = text.split("Paid by", 1)[1].split("Value", 1)[0]
    assert "Police and Crime Commissioner, Westmorland and Furness Council" in paid_by
    html = response.content.decode()
    assert 'href="/contracts/PARENT/"' in html
    assert 'href="/contracts/IDVA-MALE/"' in html


def test_internal_notes_show_to_editors_in_a_separate_labelled_box(editor_client, full_contract):
    html = editor_client.get("/contracts/IDVA/").content.decode()
    box = html.split('class="app-internal-notes"', 1)[1].split("</aside>", 1)[0]
    assert "Internal — not for publication" in box
    assert "We are not the contract manager" in box
    # Nowhere else on the page.
    assert html.count("We are not the contract manager") == 1


def test_internal_notes_are_not_shown_to_officers_without_edit_rights(staff_client, full_contract):
    html = staff_client.get("/contracts/IDVA/").content.decode()
    assert "We are not the contract manager" not in html
    assert "Internal — not for publication" not in html


def test_an_unknown_or_archived_contract_is_not_found(staff_client):
    ContractFactory(reference="ARCHIVED").archive()
    assert staff_client.get("/contracts/NO-SUCH/").status_code == 404
    assert staff_client.get("/contracts/ARCHIVED/").status_code == 404


# SQL statements, two of them the session's (read it, the user; it is saved at most
# once a minute); not
# counting the SAVEPOINT/RELEASE pairs of ATOMIC_REQUESTS, as the bench does not.
# Its renewal decisions (issue 13) take no query of their own: the end's is joined into the
# contract's query, the options' into the options' prefetch.
CONTRACT_PAGE_MOST_QUERIES = 10
SAVEPOINTS = 4  # the request's and the session save's, each opened and released


def edited(instance, user, **changes):
    """Save ``instance`` as ``user`` would through admin, so its history names them."""
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()


def test_a_contract_page_takes_at_most_10_queries_however_much_it_holds_and_has_done(
    staff_client, django_user_model, django_assert_max_num_queries
):
    editor = django_user_model.objects.create_user("jane", first_name="Jane", last_name="Smith")
    small = ContractFactory(reference="SMALL")
    ContractValueFactory(contract=small)
    OutcomeFactory(contract=small)
    ContractPartnerFactory(contract=small)

    big = ContractFactory(reference="BIG", lead_provider=ProviderFactory(name="First provider"))
    big.cohorts.add(CohortFactory(name="Young people"), CohortFactory(name="Adults"))
    big.co_commissioners.add(CommissioningBodyFactory(name="Cumbria County Council"))
    for year in range(2000, 2040):
        value = ContractValueFactory(contract=big, year=year, funding_stream=FundingStreamFactory())
        edited(value, editor, amount=Decimal("1000"), payer=CommissioningBodyFactory())
    for year in range(2040, 2045):
        ExtensionOptionFactory(contract=big, year=year, funding_stream=FundingStreamFactory())
    for kind in OutcomeKind:
        OutcomeFactory.create_batch(5, contract=big, kind=kind, measure=MeasureFactory())
    for _ in range(10):
        partner = ContractPartnerFactory(contract=big)
        edited(partner, editor, provider=ProviderFactory())
        ContractFactory(parent=big)
    edited(big, editor, lead_provider=ProviderFactory(name="Second provider"))
    # Decisions on end dates it no longer has: joined into the contract's own query.
    for year in (2020, 2021, 2022):
        RenewalDecision.objects.create(
            contract=big,
            end_date=datetime.date(year, 3, 31),
            outcome=DecisionOutcome.EXTEND,
            decided_on=datetime.date(year - 1, 12, 1),
            owner=editor,
        )

    with django_assert_max_num_queries(CONTRACT_PAGE_MOST_QUERIES + SAVEPOINTS) as small:
        small_page = staff_client.get("/contracts/SMALL/").content.decode()
    with django_assert_max_num_queries(CONTRACT_PAGE_MOST_QUERIES + SAVEPOINTS) as big:
        big_page = staff_client.get("/contracts/BIG/").content.decode()
    assert count_statements(small.captured_queries) <= CONTRACT_PAGE_MOST_QUERIES
    assert count_statements(big.captured_queries) <= CONTRACT_PAGE_MOST_QUERIES

    assert "Not recorded" in small_page  # no cohorts
    assert "Adults, Young people" in big_page
    assert "Cumbria County Council" in big_page
    assert "Lead provider changed from First provider to Second provider by Jane Smith" in big_page
    assert "End of contract on 31 March 2022: <strong>Extend</strong>, decided 1 December 2021" in (
        big_page
    )


# The provider filter: a name typed, not a list of every provider -----------------


def test_without_javascript_typing_part_of_a_providers_name_filters_by_it(staff_client):
    provider = ProviderFactory(name="Women's Aid North")
    ContractFactory(reference="HELD", lead_provider=provider)
    ContractFactory(reference="OTHER", lead_provider=ProviderFactory(name="Remedi"))

    response = staff_client.get(REGISTER, {"provider": "women's aid"})

    assert row_references(response) == ["HELD"]
    # The input shows the provider's whole name, and the tag says what is filtered.
    assert b'name="provider" value="Women&#x27;s Aid North"' in response.content
    assert "Provider: Women's Aid North" in html.unescape(text_of(response))


def test_a_link_with_a_providers_number_still_works_and_shows_the_name(staff_client):
    provider = ProviderFactory(name="Victim Support")
    ContractFactory(reference="HELD", lead_provider=provider)
    ContractFactory(reference="OTHER")

    response = staff_client.get(REGISTER, {"provider": str(provider.pk)})

    assert row_references(response) == ["HELD"]
    assert b'name="provider" value="Victim Support"' in response.content


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nobody Ltd", "No provider is called “Nobody Ltd”: check the spelling"),
        ("Aid", "More than one provider has “Aid” in its name: type more of the name"),
    ],
)
def test_a_provider_name_matching_none_or_several_says_so_on_the_field(
    staff_client, typed, message
):
    ProviderFactory(name="Women's Aid North")
    ProviderFactory(name="Women's Aid South")

    response = staff_client.get(REGISTER, {"provider": typed})

    assert response.status_code == 200
    assert message in html.unescape(text_of(response))
    assert 'href="#id_provider"' in response.content.decode()


def test_the_register_page_lists_no_providers_however_many_there_are(staff_client):
    ProviderFactory.create_batch(30, name=factory.Sequence(lambda n: f"Listed provider {n}"))

    page = staff_client.get(REGISTER).content.decode()

    assert "Listed provider" not in page
    assert 'data-suggest-url="/providers/suggest.json"' in page
    # Commissioner and funding stream stay lists (short ones), enhanced by a type-ahead.
    assert page.count('data-module="app-autocomplete"') == 3


def test_suggestions_are_current_provider_names_containing_the_text(staff_client):
    for name in ("Women's Aid North", "Women's Aid South", "Remedi"):
        ProviderFactory(name=name)
    ProviderFactory(name="Women's Aid Archived").archive()

    names = staff_client.get("/providers/suggest.json", {"q": " aid "}).json()["names"]

    assert names == ["Women's Aid North", "Women's Aid South"]
    assert staff_client.get("/providers/suggest.json").json() == {"names": []}


def test_suggestions_need_a_sign_in(client):
    response = client.get("/providers/suggest.json", {"q": "aid"})
    assert response.status_code == 302


def test_an_unchanged_register_is_counted_and_sorted_once_and_a_change_shows_at_once(
    staff_client,
):
    make_register(60, prefix="A")
    first = staff_client.get(REGISTER, {"sort": "-total_amount"})

    with CaptureQueriesContext(connection) as again:
        second = staff_client.get(REGISTER, {"sort": "-total_amount"})
    richest = ContractFactory(reference="Z-RICHEST")
    ContractValueFactory(contract=richest, year=this_year().start_year, amount=Decimal("9e9"))
    third = staff_client.get(REGISTER, {"sort": "-total_amount"})

    assert row_references(second) == row_references(first)
    assert not [q for q in again.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "60 contracts" in text_of(second)
    assert row_references(third)[0] == "Z-RICHEST"
    assert "61 contracts" in text_of(third)
