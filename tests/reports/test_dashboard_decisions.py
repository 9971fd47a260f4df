"""The dashboard as of any day, the option decisions with their owners, and Your decisions."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from contracts.models import AlertPreference, RenewalDecision
from tests.factories import ContractFactory, ExtensionOptionFactory
from tests.html_tables import table_rows

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(
        "officer", password="not-a-real-password", first_name="Olu", last_name="Officer"
    )


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def real_register():
    call_command("load_register", stdout=StringIO())


def titles(rows):
    return [row[0] for row in rows]


def test_the_real_register_as_of_1_january_2024_shows_what_ends_by_march_and_the_decisions(
    officer_client, real_register
):
    content = officer_client.get("/?as_of=2024-01-01").content
    text = content.decode()

    assert "Showing the register as it stood on <strong>1 January 2024</strong>" in text
    ending = table_rows(content, "ending-within-3")[1:]
    assert len(ending) == 8
    assert all(row[2] == "31 March 2024" for row in ending)
    assert any(row[0].startswith("Pathways") for row in ending)
    assert [row[3] for row in ending] == ["90"] * 8  # days left, counted from 1 January 2024

    overdue = table_rows(content, "decisions-overdue")[1:]
    assert [(row[0].split(" ")[0], row[2]) for row in overdue] == [
        ("RISE", "31 December 2023"),
        ("Pathways", "31 December 2023"),
    ]
    upcoming = table_rows(content, "decisions-upcoming")[1:]
    assert len(upcoming) == 3
    assert {row[2] for row in upcoming} == {"31 December 2024"}
    assert "Committed in 2023/24" in text
    # In whole pounds, as the charts and tables beside it are (the sum is £3,459,978.60).
    assert 'data-figure="committed-this-year">£3,459,979<' in text


def test_todays_dashboard_on_the_real_register_lists_the_seven_overdue_options_owned_by_nobody(
    officer_client, real_register
):
    content = officer_client.get("/").content
    overdue = table_rows(content, "decisions-overdue")[1:]
    assert len(overdue) == 7
    assert {row[-1] for row in overdue} == {"Nobody named: administrators are told"}
    assert all("Lapsed unless decided" in row[2] for row in overdue)
    assert "No option decision is overdue." not in content.decode()


def test_a_date_that_is_not_real_is_explained_and_today_shown(officer_client):
    response = officer_client.get("/?as_of_0=31&as_of_1=2&as_of_2=2024")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Enter a real date, for example 1 1 2024" in text
    assert "Showing the register as it stood on" not in text


def test_the_date_boxes_give_the_same_page_as_the_link(officer_client):
    boxes = officer_client.get("/?as_of_0=1&as_of_1=1&as_of_2=2024").content.decode()
    assert "Showing the register as it stood on <strong>1 January 2024</strong>" in boxes


def test_your_decisions_lists_what_you_own_and_not_what_others_own(
    officer_client, officer, django_user_model
):
    other = django_user_model.objects.create_user("other")
    mine = ContractFactory(title="Mine", end_date=D(2025, 3, 31), owner=officer)
    ExtensionOptionFactory(contract=mine, year=2025)
    theirs = ContractFactory(title="Theirs", end_date=D(2025, 3, 31), owner=officer)
    delegated = ExtensionOptionFactory(contract=theirs, year=2025)
    RenewalDecision.objects.create(contract=theirs, option=delegated, owner=other)

    content = officer_client.get("/?as_of=2024-12-01").content
    rows = table_rows(content, "your-decisions-table")[1:]
    assert [(row[0].split(" ")[0], row[1], row[2], row[3]) for row in rows] == [
        ("Mine", "Extension option 2025/26", "31 December 2024", "Due"),
    ]


def test_switching_alerts_off_and_on_again(officer_client, officer):
    page = officer_client.get("/").content.decode()
    assert 'id="alerts-state">on<' in page
    response = officer_client.post("/alerts/", {"receives_alerts": "off"}, follow=True)
    assert "Your decision alerts are off." in response.content.decode()
    assert AlertPreference.objects.get(user=officer).receives_alerts is False
    assert 'id="alerts-state">off<' in officer_client.get("/").content.decode()
    officer_client.post("/alerts/", {"receives_alerts": "on"})
    assert AlertPreference.objects.get(user=officer).receives_alerts is True


def test_switching_alerts_needs_a_post(officer_client):
    assert officer_client.get("/alerts/").status_code == 405


def test_your_decisions_follow_a_change_of_owner_at_once_though_kept_between_loads(
    officer_client, officer, django_user_model
):
    other = django_user_model.objects.create_user("other")
    contract = ContractFactory(title="Handed over", end_date=D(2025, 3, 31), owner=officer)
    ExtensionOptionFactory(contract=contract, year=2025)
    before = table_rows(officer_client.get("/?as_of=2024-12-01").content, "your-decisions-table")

    contract.owner = other
    contract.save()

    after = officer_client.get("/?as_of=2024-12-01").content
    assert "Handed over" in before[1][0]
    assert b'id="your-decisions-table"' not in after  # nothing of theirs is left to decide
