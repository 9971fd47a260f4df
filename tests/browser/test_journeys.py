"""What a member of staff does in a real browser: sign in, filter, sort, open, download."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

# Transactional so the live server sees the test's rows (conftest puts back
# what migrations made once the module is done).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def register_titles(page):
    return page.locator("#register table tbody tr td:nth-child(2)").all_inner_texts()


def test_a_member_of_staff_signs_in_through_the_form(anonymous_page, officer, register):
    page = anonymous_page
    page.goto("/contracts/")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/contracts/"))
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/contracts/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def test_a_wrong_password_is_refused_with_a_message(anonymous_page, officer):
    page = anonymous_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text("There is a problem")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_filtering_the_register_narrows_the_rows_and_keeps_the_filter_in_the_url(page, register):
    page.goto("/contracts/")
    expect(page.locator("#register tbody tr")).to_have_count(3)

    page.get_by_label("Search").fill("advocacy")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]q=advocacy"))
    expect(page.locator("#register tbody tr")).to_have_count(1)
    expect(page.locator("#register tbody")).to_contain_text(
        "Independent domestic violence advocacy"
    )


def test_sorting_the_register_by_title(page, register):
    page.goto("/contracts/")

    page.locator("#register thead").get_by_role("link", name=re.compile("^Title")).click()
    expect(page).to_have_url(re.compile(r"sort=title"))
    expect(page.locator("#register tbody tr").first).to_contain_text("Community safety bursary")
    ascending = register_titles(page)

    page.locator("#register thead").get_by_role("link", name=re.compile("^Title")).click()
    expect(page).to_have_url(re.compile(r"sort=-title"))
    expect(page.locator("#register tbody tr").first).to_contain_text("Women's centre outreach")

    assert ascending == sorted(ascending)
    assert register_titles(page) == sorted(ascending, reverse=True)


def test_opening_a_contract_from_the_register(page, register):
    page.goto("/contracts/")

    page.locator("#register").get_by_role("link", name="IDVA", exact=True).click()

    expect(page).to_have_url(re.compile(r"/contracts/IDVA/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Independent domestic violence advocacy"
    )
    expect(page.locator("main")).to_contain_text("Hope Trust")
    expect(page.locator("main")).to_contain_text("£129,500")


def test_downloading_the_filtered_register_as_csv(page, register):
    page.goto("/contracts/?category=" + str(register["outreach"].category_id))

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download CSV")).click()
    download = download_info.value

    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    titles = sorted(row[1] for row in rows[1:])
    assert titles == ["Community safety bursary", "Women's centre outreach"]
    assert "83200" in ",".join(rows[1] + rows[2]).replace(".00", "")


def test_the_dashboard_shows_this_years_committed_spend(page, register):
    page.goto("/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator("[data-figure=committed-this-year]")).to_have_text("£212,700")
    expect(
        page.get_by_role("img", name=re.compile("Committed spend by financial year"))
    ).to_be_visible()


def test_a_provider_page_lists_what_the_provider_holds(page, register):
    page.goto("/providers/")
    page.get_by_role("link", name="Hope Trust").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Hope Trust")
    expect(page.locator("#provider-contracts tbody tr")).to_have_count(2)
