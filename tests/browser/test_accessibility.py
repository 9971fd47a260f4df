"""axe-core scans of every page: no violations of WCAG 2.0, 2.1 or 2.2 at level A or AA."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

# Each page a member of staff can reach, as a function of the test register.
PAGES = {
    "dashboard": lambda register: "/",
    "register": lambda register: "/contracts/",
    "register filtered": lambda register: "/contracts/?q=advocacy&status=live&sort=title",
    "register with a filter error": lambda register: (
        "/contracts/?financial_year=next&value_min=lots"
    ),
    "register as of a day": lambda register: "/contracts/?as_of=2024-01-01&ending_within=6",
    "register with a day that is not a date": lambda register: (
        "/contracts/?as_of_0=31&as_of_1=2&as_of_2=2024"
    ),
    "expiry report as of a day": lambda register: "/reports/expiring/?as_of=2024-01-01",
    "expiry report with an error": lambda register: "/reports/expiring/?months=lots",
    "contract detail": lambda register: register["advocacy"].get_absolute_url(),
    "providers": lambda register: "/providers/",
    "providers with a filter error": lambda register: "/providers/?kind=spaceship",
    "provider detail": lambda register: register["hope"].get_absolute_url(),
    "outcomes": lambda register: "/outcomes/",
    "outcomes filtered": lambda register: "/outcomes/?kind=result&period=soon",
}


def violations_report(results):
    lines = []
    for violation in results.response["violations"]:
        targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)


def scan(page, problems):
    """No axe violations, and the page loaded whole (styles, scripts, no script errors)."""
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, violations_report(results)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
        == "arial, sans-serif"
    )
    assert problems == []


def test_the_sign_in_page_has_no_accessibility_violations(anonymous_page, page_problems):
    anonymous_page.goto("/accounts/login/")
    scan(anonymous_page, page_problems)


def test_the_sign_in_page_with_an_error_has_no_accessibility_violations(
    anonymous_page, page_problems
):
    anonymous_page.goto("/accounts/login/")
    anonymous_page.get_by_label("Username").fill("nobody")
    anonymous_page.get_by_label("Password").fill("wrong")
    anonymous_page.get_by_role("button", name="Sign in").click()
    anonymous_page.locator(".govuk-error-summary").wait_for()
    scan(anonymous_page, page_problems)


@pytest.mark.parametrize("name", PAGES)
def test_the_page_has_no_accessibility_violations(page, page_problems, register, name):
    response = page.goto(PAGES[name](register))
    assert response.status == 200
    scan(page, page_problems)


def test_the_public_transparency_page_has_no_accessibility_violations(
    anonymous_page, page_problems, register, settings
):
    from contracts.models import Contract

    for contract in Contract.objects.all():
        contract.is_published = True
        contract.save()
    settings.PUBLIC_REGISTER = True
    anonymous_page.goto("/published/")
    assert anonymous_page.get_by_role("heading", level=1).inner_text() == "Contracts and grants"
    scan(anonymous_page, page_problems)


def test_the_publication_report_has_no_accessibility_violations(page, page_problems, register):
    page.goto("/reports/publication/")
    scan(page, page_problems)
