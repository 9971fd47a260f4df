"""/reports/expiring/: contracts ending and decisions due, as of any day, each decision with
its owner and state."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from contracts.models import DecisionOutcome, RenewalDecision
from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory
from tests.html_tables import table_rows

pytestmark = pytest.mark.django_db

D = datetime.date
REPORT = "/reports/expiring/"


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olu", first_name="Olu", last_name="Owner")


@pytest.fixture
def register(owner):
    """As of 1 January 2024: an end decided in December, an end still to decide (overdue),
    and an option whose period has begun, declined only in February."""
    decided = ContractFactory(reference="DEC", title="Decided end", end_date=D(2024, 3, 31))
    RenewalDecision.objects.create(
        contract=decided,
        end_date=decided.end_date,
        outcome=DecisionOutcome.REPROCURE,
        decided_on=D(2023, 12, 1),
        reference="PCC-41",
        owner=owner,
    )
    ContractFactory(reference="OPEN", title="Open end", end_date=D(2024, 2, 29), owner=owner)
    with_option = ContractFactory(reference="OPT", title="Optioned", end_date=D(2023, 12, 31))
    ContractValueFactory(contract=with_option, year=2023, amount=Decimal("9000"))
    option = ExtensionOptionFactory(
        contract=with_option,
        start_date=D(2024, 1, 1),
        end_date=D(2024, 12, 31),
        amount=Decimal("12000"),
    )
    RenewalDecision(
        contract=with_option, option=option, outcome=DecisionOutcome.END, decided_on=D(2024, 2, 1)
    ).record()


def test_as_of_1_january_2024_each_decision_has_its_owner_and_state(staff_client, register):
    content = staff_client.get(REPORT, {"as_of": "2024-01-01", "months": "6"}).content
    text = content.decode()
    assert "As the register stood on 1 January 2024, not today." in text

    ending = {row[1].split(" ")[0]: row for row in table_rows(content, "ending")[1:]}
    assert set(ending) == {"Decided", "Open"}
    assert ending["Decided"][5] == "Decided Re-procure, 1 December 2023 (PCC-41) Owner: Olu Owner"
    assert ending["Open"][5].startswith("Overdue decide by 30 November 2023")
    assert ending["Open"][5].endswith("Owner: Olu Owner")

    decisions = table_rows(content, "decisions")[1:]
    assert [(row[1].split(" ")[0], row[2], row[4], row[5]) for row in decisions] == [
        # Declined on 1 February 2024: still to decide on 1 January, its period begun.
        (
            "Optioned",
            "Extension option 1 January 2024 to 31 December 2024",
            "Nobody named: administrators are told",
            "Lapsed unless decided",
        ),
        ("Open", "End of contract", "Olu Owner", "Overdue"),
    ]
    assert "Decisions due: 2, 2 overdue" in text


def test_today_the_declined_option_is_no_longer_a_decision(staff_client, register):
    content = staff_client.get(REPORT, {"months": "6"}).content
    assert b"Optioned" not in content
    assert b'id="as-of-banner"' not in content


def test_the_pdf_link_keeps_the_day_and_the_months(staff_client, register):
    text = staff_client.get(REPORT, {"as_of": "2024-01-01", "months": "6"}).content.decode()
    assert 'href="/reports/expiring.pdf?months=6&amp;as_of=2024-01-01"' in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"months": "abc"}, "Months must be a whole number from 1 to 120"),
        ({"as_of_0": "31", "as_of_1": "2", "as_of_2": "2024"}, "Enter a real date"),
    ],
)
def test_a_bad_months_or_day_is_a_govuk_error_not_a_500(staff_client, query, message):
    response = staff_client.get(REPORT, query)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text and message in text


def test_the_real_register_as_of_1_january_2024_lists_what_ends_by_march_with_owner_and_state(
    staff_client,
):
    call_command("load_register", stdout=StringIO())
    content = staff_client.get(REPORT, {"as_of": "2024-01-01", "months": "3"}).content

    ending = table_rows(content, "ending")[1:]
    assert len(ending) == 8
    assert {row[0] for row in ending} == {"31 March 2024"}
    decisions = table_rows(content, "decisions")[1:]
    options = [row for row in decisions if row[2].startswith("Extension option")]
    assert [(row[1].split(" ")[0], row[0], row[5]) for row in options] == [
        ("RISE", "31 December 2023", "Overdue"),
        ("Pathways", "31 December 2023", "Overdue"),
    ]
    assert {row[4] for row in decisions} == {"Nobody named: administrators are told"}
    ends = [row for row in decisions if row[2] == "End of contract"]
    assert ends and {row[5] for row in ends} <= {"Due", "Overdue"}
