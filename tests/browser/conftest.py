"""Playwright fixtures: one headless Debian Chromium per test session, a fresh context per test.

Playwright's sync API keeps an event loop running in the test thread, and
Django refuses ORM calls from a thread with a running loop unless told the
caller knows what it is doing; the tests only ever touch the database from
the test thread, so that is safe here.

The live server serves the collected static files through WhiteNoise, exactly
as production does (``make test`` collects them first): pytest-django's
default static handler would look for the hashed file names in the source
folders and miss them.
"""

import os
import urllib.request
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from commissioning.fy import FinancialYear
from tests.factories import (
    CategoryFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    MeasureFactory,
    OutcomeFactory,
    ProviderFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery-staple"


class _WhiteNoiseServesStatic:
    """A static handler that hands every request to the app, where WhiteNoise serves files."""

    def __new__(cls, application):
        return application


@pytest.fixture(scope="module", autouse=True)
def browser_modules_put_back_rows_migrations_made(rows_migrations_made_put_back):
    """Browser tests are transactional: see ``rows_migrations_made_put_back``."""
    yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing is the same code path whatever the hasher; the slow default only
    # costs seconds per sign-in here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    address = os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(address, start=False)
    server.thread.static_handler = _WhiteNoiseServesStatic
    server.start()
    # The first request imports views and compiles templates: seconds on a busy
    # machine, which should not count against the first test's timeouts.
    with (
        django_db_blocker.unblock(),
        urllib.request.urlopen(f"{server.url}/accounts/login/", timeout=120) as response,
    ):
        response.read()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_problems():
    """What went wrong loading pages: failed responses, console errors, uncaught exceptions."""
    return []


@pytest.fixture
def anonymous_page(browser, live_server, page_problems):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    # Generous: two test workers and Chromium share two cores.
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(30_000)
    page = context.new_page()
    page.on(
        "response",
        lambda response: (
            page_problems.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            page_problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: page_problems.append(f"uncaught: {error}"))
    yield page
    context.close()


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user("officer", password=PASSWORD)


@pytest.fixture
def page(anonymous_page, officer, live_server):
    """A page whose browser is already signed in as an ordinary member of staff."""
    client = Client()
    client.force_login(officer)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    anonymous_page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )
    return anonymous_page


@pytest.fixture
def register():
    """A small register: three contracts, with values, an option, partners and outcomes."""
    this_year = FinancialYear.current()
    victims = CategoryFactory(name="Victim services", order=1)
    prevention = CategoryFactory(name="Prevention", order=2)
    hope = ProviderFactory(name="Hope Trust", charity_number="1234567")
    safe = ProviderFactory(name="Safe Homes CIC", kind="cic")
    advocacy = ContractFactory(
        reference="IDVA",
        title="Independent domestic violence advocacy",
        category=victims,
        lead_provider=hope,
        start_date=this_year.start,
        end_date=(this_year + 1).end,
    )
    ContractValueFactory(contract=advocacy, year=this_year.start_year, amount=Decimal("129500"))
    ContractValueFactory(contract=advocacy, year=this_year.start_year + 1, amount=Decimal("130000"))
    ExtensionOptionFactory(
        contract=advocacy,
        year=this_year.start_year + 2,
        amount=Decimal("130000"),
        decision_due=(this_year + 1).start,
    )
    ContractPartnerFactory(contract=advocacy, provider=safe, area="West")
    outreach = ContractFactory(
        reference="OUTREACH",
        title="Women's centre outreach",
        category=prevention,
        lead_provider=safe,
        start_date=this_year.start,
        end_date=this_year.end,
    )
    ContractValueFactory(contract=outreach, year=this_year.start_year, amount=Decimal("83200"))
    ContractFactory(
        reference="BURSARY",
        title="Community safety bursary",
        category=prevention,
        lead_provider=hope,
    )
    safer = MeasureFactory(name="Feeling safer")
    OutcomeFactory(
        contract=advocacy,
        measure=safer,
        text="87% of IDVA clients felt safer",
        value=Decimal("87"),
        unit="percent",
        cohort="IDVA clients",
    )
    OutcomeFactory(contract=outreach, measure=safer, text="Most women felt safer")
    return {"advocacy": advocacy, "outreach": outreach, "hope": hope}
