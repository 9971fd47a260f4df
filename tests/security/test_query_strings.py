"""Whatever arrives in a query string, the page answers with a message, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.filters import ContractFilter
from outcomes.filters import OutcomeFilter
from providers.filters import ProviderFilter
from tests.factories import ContractFactory, ContractValueFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "/contracts/": [*ContractFilter.base_filters, "sort", "page"],
    "/providers/": [*ProviderFilter.base_filters, "sort", "page"],
    "/outcomes/": [*OutcomeFilter.base_filters, "sort", "page"],
    "/": ["year", "page"],
}
NASTY_VALUES = [
    "",
    "0",
    "-1",
    "999999999",
    "99999999999999999999999999",
    "1" * 30,
    "£" + "9" * 29 + "k",
    "9" * 5000,
    "1e309",
    "NaN",
    "abc",
    "2024/26",
    "' OR 1=1 --",
    "1; DROP TABLE contracts_contract;",
    "<script>alert(1)</script>",
    "%00",
    "\x00",
    "../../etc/passwd",
    "😀",
    "-title",
    "__class__",
]


@pytest.fixture
def register():
    contract = ContractFactory(reference="QS")
    ContractValueFactory(contract=contract, year=2024)
    OutcomeFactory(contract=contract)


def assert_answered(response, where):
    assert response.status_code in (200, 302, 404), f"{where}: {response.status_code}"
    if response.status_code == 404:
        assert "Page not found" in response.content.decode(), where


@pytest.mark.parametrize("path", list(PAGES))
def test_every_filter_survives_every_nasty_value(viewer_client, register, path):
    # Every filter at once, one nasty value at a time: a crash in any filter shows.
    for value in NASTY_VALUES:
        response = viewer_client.get(path, dict.fromkeys(PAGES[path], value))
        assert_answered(response, f"{path} with every filter = {value!r}")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"financial_year": "2024/26"}, "so write 2024/25"),
        ({"category": "999999"}, "Select a category from the list"),
        ({"category": "abc"}, "Select a category from the list"),
        ({"value_min": "lots"}, ""),
        ({"value_min": "1" * 30}, "the most an amount in the register can be"),
        ({"value_max": "£" + "9" * 29 + "k"}, "the most an amount in the register can be"),
        ({"value_max": "£999,999,999,999.99k"}, "the most an amount in the register can be"),
        ({"value_min": "9" * 5000}, "too long to be an amount of money"),
        ({"ending_within": "soon"}, ""),
    ],
)
def test_a_bad_filter_value_is_explained_on_the_register_page(
    viewer_client, register, query, message
):
    response = viewer_client.get("/contracts/", query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-message" in page or "govuk-error-summary" in page
    assert message in page


def test_a_huge_page_number_gives_a_page_not_a_crash(viewer_client, register):
    response = viewer_client.get("/contracts/", {"page": "999999999"})
    assert_answered(response, "page=999999999")


def test_sql_looking_search_text_is_only_text(viewer_client, register):
    found = viewer_client.get("/contracts/", {"q": "QS"}).content.decode()
    assert 'href="/contracts/QS/"' in found  # the search finds the contract by its reference

    page = viewer_client.get("/contracts/", {"q": "QS' OR '1'='1"}).content.decode()

    # The quote did not break out of the search: nothing has that text, so no row.
    assert 'href="/contracts/QS/"' not in page
    assert "Nothing matches." in page


def test_an_unknown_reference_is_the_sites_404_page(viewer_client):
    response = viewer_client.get("/contracts/NO-SUCH-CONTRACT/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "govuk-header" in page
    assert viewer_client.get("/providers/999999/").status_code == 404
    assert viewer_client.get("/contracts/NO-SUCH/summary.pdf").status_code == 404


query_values = st.one_of(
    st.sampled_from(NASTY_VALUES),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(list(PAGES)),
    data=st.data(),
)
def test_random_query_strings_never_cause_a_server_error(viewer_client, register, path, data):
    names = st.sampled_from(PAGES[path])
    query = data.draw(st.dictionaries(names, query_values, max_size=4))
    query = {name: value.replace("\x00", "") for name, value in query.items()}
    response = viewer_client.get(path, query)
    assert_answered(response, f"{path} {query!r}")
