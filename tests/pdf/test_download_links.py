"""The pages that offer the PDFs: register (with its filters), contract and dashboard."""

import html

import pytest

from tests.factories import CategoryFactory, ContractFactory

pytestmark = pytest.mark.django_db


def test_the_register_offers_the_schedule_of_the_filtered_set(staff_client):
    category = CategoryFactory(name="Cybercrime")
    ContractFactory(category=category)

    page = html.unescape(
        staff_client.get(
            "/contracts/", {"category": category.pk, "ending_within": "6"}
        ).content.decode()
    )

    assert f'href="/contracts/schedule.pdf?category={category.pk}&ending_within=6"' in page
    assert "Download PDF schedule" in page


def test_a_contract_page_offers_its_summary(staff_client):
    ContractFactory(reference="VS-CORE")

    page = staff_client.get("/contracts/VS-CORE/").content.decode()

    assert 'href="/contracts/VS-CORE/summary.pdf"' in page


def test_the_dashboard_offers_the_expiry_report(staff_client):
    page = staff_client.get("/").content.decode()

    assert 'href="/reports/expiring.pdf?months=12"' in page
