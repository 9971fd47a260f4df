"""One contract reads the same on its page, in its PDF summary and in admin.

Outcome sections, funding streams and "ending soon" each have one home on the
model; these tests hold the places that show them to the same answer.
"""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import Status
from outcomes.models import OutcomeKind
from tests.factories import (
    ContractFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    OutcomeFactory,
)

from .conftest import response_bytes

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contracts_contract_changelist")


@pytest.fixture
def pathways():
    """A contract ending in 40 days, paid from one stream by a value and another by an option
    only, with outcomes of four kinds (an award whose text already states its month)."""
    today = timezone.localdate()
    contract = ContractFactory(
        reference="PATHWAYS",
        title="Pathways",
        status=Status.LIVE,
        start_date=today - datetime.timedelta(days=300),
        end_date=today + datetime.timedelta(days=40),
    )
    ContractValueFactory(
        contract=contract,
        start_date=contract.start_date,
        end_date=contract.end_date,
        amount=Decimal("196600"),
        funding_stream=FundingStreamFactory(name="MoJ victims grant"),
    )
    ExtensionOptionFactory(
        contract=contract,
        start_date=contract.end_date + datetime.timedelta(days=1),
        end_date=contract.end_date + datetime.timedelta(days=365),
        funding_stream=FundingStreamFactory(name="Serious Violence Duty"),
    )
    OutcomeFactory(contract=contract, kind=OutcomeKind.RESULT, text="87% felt safer", order=1)
    OutcomeFactory(contract=contract, kind=OutcomeKind.STATISTIC, text="546 referrals", order=2)
    OutcomeFactory(
        contract=contract,
        kind=OutcomeKind.AWARD,
        text="Howard League winner in community award (Nov 2022)",
        period_label="Nov 2022",
        order=3,
    )
    OutcomeFactory(
        contract=contract,
        kind=OutcomeKind.TESTIMONIAL,
        text="They listened to me.",
        attribution="Service user",
        order=4,
    )
    return contract


def page_text(response):
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(text).split())


def page_outcome_headings(response):
    content = response.content.decode()
    outcomes = content.split('<h2 class="govuk-heading-l">Outcomes</h2>', 1)[1]
    return re.findall(r'<h3 class="govuk-heading-m">([^<]+)</h3>', outcomes)


HEADINGS = ["Results", "Activity", "Testimonials", "Awards and recognition"]


def test_outcome_sections_have_the_same_headings_in_the_same_order_on_page_and_pdf(
    staff_client, pathways, pdf_phrases
):
    page = staff_client.get(pathways.get_absolute_url())
    pdf = pdf_phrases(response_bytes(staff_client.get("/contracts/PATHWAYS/summary.pdf")))

    assert page_outcome_headings(page) == HEADINGS
    printed = pdf.split("Outcomes and impact", 1)[1]
    positions = [printed.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)


def test_an_award_is_quoted_like_a_testimonial_on_page_and_pdf_and_its_month_said_once(
    staff_client, pathways, pdf_phrases, pdf_text
):
    page = staff_client.get(pathways.get_absolute_url())
    pdf_bytes = response_bytes(staff_client.get("/contracts/PATHWAYS/summary.pdf"))
    pdf = pdf_phrases(pdf_bytes)

    content = page.content.decode()
    award = re.split(r"<h[23]", content.split("Awards and recognition", 1)[1])[0]
    assert 'class="govuk-inset-text"' in award
    assert "<li>" not in award
    assert award.count("Nov 2022") == 1

    assert pdf.count("Nov 2022") == 1
    assert "(Nov 2022) (Nov 2022)" not in pdf
    # Bullets are printed with a "•"; quoted evidence (award and testimonial) is not.
    lines = pdf_text(pdf_bytes).splitlines()
    assert any("• 87% felt safer" in line for line in lines)
    assert not any("• Howard League" in line for line in lines)
    assert not any("• They listened" in line for line in lines)


def test_funding_streams_count_values_and_options_on_page_pdf_register_filter_and_admin(
    staff_client, admin_client, pathways, pdf_phrases
):
    streams = "MoJ victims grant, Serious Violence Duty"
    page = page_text(staff_client.get(pathways.get_absolute_url()))
    assert f"Funding streams {streams}" in page

    pdf = pdf_phrases(response_bytes(staff_client.get("/contracts/PATHWAYS/summary.pdf")))
    assert "Funding MoJ victims grant; Serious Violence Duty" in pdf

    option_stream = pathways.options.get().funding_stream
    register = staff_client.get(f"/contracts/?funding_stream={option_stream.pk}")
    assert "PATHWAYS" in page_text(register)
    in_admin = admin_client.get(f"{CHANGELIST}?funding_stream={option_stream.pk}")
    assert [c.reference for c in in_admin.context["cl"].result_list] == ["PATHWAYS"]


def test_ending_soon_says_the_same_days_on_page_register_pdf_and_admin(
    staff_client, admin_client, pathways, pdf_phrases
):
    assert "Ends in 40 days" in page_text(staff_client.get(pathways.get_absolute_url()))
    assert "Live ends in 40 days" in page_text(staff_client.get("/contracts/"))

    pdf = pdf_phrases(response_bytes(staff_client.get("/contracts/PATHWAYS/summary.pdf")))
    assert "(ends in 40 days)" in pdf
    schedule = pdf_phrases(response_bytes(staff_client.get("/contracts/schedule.pdf")))
    assert "(ends in 40 days)" in schedule

    changelist = page_text(admin_client.get(CHANGELIST))
    assert "ends in 40 days" in changelist
    within_3 = admin_client.get(f"{CHANGELIST}?ending=3")
    assert [c.reference for c in within_3.context["cl"].result_list] == ["PATHWAYS"]
