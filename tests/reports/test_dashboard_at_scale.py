"""The dashboard at national scale: capped lists with their counts, and a cache that never goes stale."""

import datetime

import pytest
from django.utils import timezone

from commissioning.fy import FinancialYear
from tests.factories import ContractFactory
from tests.html_tables import table_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR = FinancialYear.current()


def ending_in(days, **kwargs):
    return ContractFactory(
        start_date=THIS_YEAR.start - datetime.timedelta(days=365),
        end_date=TODAY + datetime.timedelta(days=days),
        **kwargs,
    )


def test_a_band_lists_the_20_ending_soonest_and_says_how_many_there_are(staff_client):
    for day in range(25):
        ending_in(10 + day, title=f"Service ending on day {10 + day}")

    content = staff_client.get("/").content.decode()

    rows = table_rows(content, "ending-within-3")[1:]
    assert len(rows) == 20
    assert rows[0][0].startswith("Service ending on day 10 ")
    assert rows[-1][0].startswith("Service ending on day 29 ")
    assert "Showing the 20 ending soonest of 25." in content
    assert 'href="/contracts/?ending_within=3"' in content
    assert "Ending within 3 months: <strong>25</strong>" in content


def test_an_edit_shows_on_the_next_view_despite_the_cache(staff_client):
    contract = ending_in(30, title="Outreach service")
    assert "Outreach service" in staff_client.get("/").content.decode()

    contract.title = "Renamed outreach service"
    contract.save()

    assert "Renamed outreach service" in staff_client.get("/").content.decode()
