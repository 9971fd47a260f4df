"""/contracts/schedule.pdf: the register's filtered set, grouped by category, as a landscape PDF."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commissioning.fy import FinancialYear
from commissioning.pdf import render_document_html
from contracts.documents import ScheduleDocument
from contracts.models import ContractValue
from outcomes.models import OutcomeKind
from tests.factories import (
    CategoryFactory,
    ContractFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    OutcomeFactory,
)

from .conftest import response_bytes

pytestmark = pytest.mark.django_db

THIS_YEAR = FinancialYear.current()


@pytest.fixture
def register():
    """Two categories: cybercrime (one contract ending soon) and victims' services."""
    today = timezone.localdate()
    cyber = CategoryFactory(name="Cybercrime", order=2)
    victims = CategoryFactory(name="Victims services", order=1)
    hacked = ContractFactory(
        title="Cyber victims helpline",
        category=cyber,
        start_date=THIS_YEAR.start,
        end_date=today + datetime.timedelta(days=60),
        description="Advice for victims of online fraud <script>alert('x')</script>",
        internal_notes="Provider late with Q2 return - do not publish",
        status_note="currently at invitation to quote stage",
    )
    ContractValueFactory(
        contract=hacked,
        year=THIS_YEAR.start_year,
        amount=Decimal("129500.00"),
        funding_stream=FundingStreamFactory(name="Serious Violence Duty"),
    )
    ExtensionOptionFactory(
        contract=hacked,
        year=THIS_YEAR.start_year + 1,
        amount=Decimal("130000.00"),
        decision_due=today + datetime.timedelta(days=30),
    )
    OutcomeFactory(
        contract=hacked,
        kind=OutcomeKind.RESULT,
        text="87% of callers felt safer",
        cohort="Helpline callers",
        period_label="2023–24",
        source="Annual report 2024",
    )
    OutcomeFactory(contract=hacked, kind=OutcomeKind.AIM, text="Draft aim", is_published=False)
    advocacy = ContractFactory(
        title="Independent advocacy",
        category=victims,
        start_date=THIS_YEAR.start,
        end_date=THIS_YEAR.end + datetime.timedelta(days=365 * 2),
    )
    ContractValueFactory(contract=advocacy, year=THIS_YEAR.start_year, amount=Decimal("55171.50"))
    ContractValueFactory(
        contract=advocacy, year=THIS_YEAR.start_year + 1, amount=Decimal("60000.00")
    )
    return {"cyber": cyber, "hacked": hacked, "advocacy": advocacy}


def test_the_schedule_prints_only_the_filtered_set_and_says_which_filters(
    staff_client, register, pdf_phrases
):
    response = staff_client.get("/contracts/schedule.pdf", {"category": register["cyber"].pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_phrases(response_bytes(response))
    assert "Cyber victims helpline" in text
    assert "Independent advocacy" not in text
    assert "Filters applied: Category: Cybercrime." in text
    assert "Services listed: 1" in text


def test_the_schedule_figures_match_the_database(staff_client, register, pdf_phrases):
    text = pdf_phrases(response_bytes(staff_client.get("/contracts/schedule.pdf")))

    year_total = ContractValue.objects.total_in_year(THIS_YEAR)
    assert year_total == Decimal("184671.50")
    assert "£184,671.50" in text  # the set's total for this financial year
    assert "£244,671.50" in text  # the grand total of every value
    assert f"{THIS_YEAR}: £129,500" in text
    assert "£130,000" in text and "decision due" in text
    assert "Serious Violence Duty" in text
    assert "currently at invitation to quote stage" in text
    # Grouped by category order: victims' services (order 1) before cybercrime (order 2).
    assert text.index("Victims services") < text.index("Cybercrime")
    assert "87% of callers felt safer" in text
    assert "Helpline callers" in text and "Annual report 2024" in text
    assert "Filters applied: none" in text
    assert "Page 1 of 1" in text
    assert "OFFICIAL" in text


def test_the_schedule_never_prints_internal_notes_or_unpublished_outcomes_and_escapes_text(
    staff_client, register, pdf_phrases
):
    text = pdf_phrases(response_bytes(staff_client.get("/contracts/schedule.pdf")))

    assert "do not publish" not in text
    assert "Draft aim" not in text
    assert "<script>alert('x')" in text  # printed as text (it wraps after "</")


def test_a_long_schedule_numbers_its_pages_and_repeats_the_table_header(staff_client, pdf_text):
    contract = ContractFactory(
        title="Very long service", description=" ".join(["Long description."] * 1000)
    )
    for number in range(20):
        OutcomeFactory(contract=contract, kind=OutcomeKind.STATISTIC, text=f"Statistic {number}")

    text = pdf_text(response_bytes(staff_client.get("/contracts/schedule.pdf")))

    pages = text.split("\f")[:-1]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Service and provider" in page
        assert "OFFICIAL" in page
    assert "Statistic 19" in text


def test_bad_filters_get_a_message_not_a_pdf(staff_client):
    response = staff_client.get("/contracts/schedule.pdf", {"ending_within": "soon"})

    assert response.status_code == 400
    assert "Ending within must be a whole number of months" in response.content.decode()


def test_the_schedule_costs_the_same_number_of_queries_for_more_contracts():
    def queries_for(count):
        for _ in range(count):
            contract = ContractFactory()
            ContractValueFactory(contract=contract, year=THIS_YEAR.start_year)
            ExtensionOptionFactory(contract=contract, year=THIS_YEAR.start_year + 3)
            OutcomeFactory(contract=contract)
        with CaptureQueriesContext(connection) as queries:
            document = ScheduleDocument(QueryDict())
            render_document_html(document.template_name, document.context(), title=document.title)
        return len(queries)

    few = queries_for(2)
    assert few <= 10
    assert queries_for(5) == few


def test_the_schedule_needs_a_login(client):
    response = client.get("/contracts/schedule.pdf")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
