"""The type-ahead filters in a real Chromium: suggest, choose, filter; same query string as without."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE_OPTIONS, violations_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_typing_part_of_a_provider_name_suggests_it_and_choosing_it_filters(
    page, page_problems, register
):
    page.goto("/contracts/")
    expect(page.locator("#register tbody tr")).to_have_count(3)

    field = page.get_by_role("combobox", name="Provider")
    field.fill("safe")
    suggestion = page.get_by_role("option", name="Safe Homes CIC")
    expect(suggestion).to_be_visible()
    # The open list of suggestions is accessible too.
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, violations_report(results)
    suggestion.click()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]provider=Safe(\+|%20)Homes(\+|%20)CIC"))
    # Safe Homes leads one contract and is a partner on another.
    expect(page.locator("#register tbody tr")).to_have_count(2)
    expect(page.locator(".moj-filter__selected")).to_contain_text("Provider: Safe Homes CIC")
    # After htmx swapped the results in, the field is a type-ahead still, showing the choice.
    expect(page.get_by_role("combobox", name="Provider")).to_have_value("Safe Homes CIC")
    assert page_problems == []


def test_the_commissioner_list_becomes_a_type_ahead_that_sends_the_same_parameter(
    page, page_problems, register
):
    commissioner = register["advocacy"].lead_commissioner
    page.goto("/contracts/")

    field = page.get_by_role("combobox", name="Commissioner")
    field.fill(commissioner.name[:4])
    page.get_by_role("option", name=commissioner.name).click()
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(rf"[?&]commissioner={commissioner.pk}(&|$)"))
    expect(page.locator("#register tbody")).to_contain_text("IDVA")
    assert page_problems == []


def test_without_javascript_the_provider_is_a_plain_text_input(
    browser, live_server, officer, register
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    client = Client()
    client.force_login(officer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.goto("/contracts/")
    expect(page.get_by_role("combobox", name="Provider")).to_have_count(0)

    page.get_by_label("Provider").fill("hope")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]provider=hope"))
    expect(page.get_by_label("Provider")).to_have_value("Hope Trust")
    context.close()
