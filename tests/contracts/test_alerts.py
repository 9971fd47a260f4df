"""send_alerts: lead times, one digest per person, each alert once, dry runs."""

import datetime
import threading
import time
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection

from commissioning.roles import ADMINISTRATOR
from contracts.models import AlertPreference, ExtensionOption, SentAlert, Status
from tests.factories import ContractFactory, ExtensionOptionFactory

D = datetime.date


def run(day, *args):
    out = StringIO()
    call_command("send_alerts", "--today", day, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def admin_user(django_user_model):
    user = django_user_model.objects.create_user(
        "ada", email="ada@example.gov.uk", first_name="Ada", last_name="Admin"
    )
    user.groups.add(Group.objects.get(name=ADMINISTRATOR))
    return user


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_user(
        "mo", email="mo@example.gov.uk", first_name="Mo", last_name="Manager"
    )


@pytest.mark.django_db
def test_an_owner_gets_one_digest_with_text_and_html(admin_user, manager):
    contract = ContractFactory(reference="VS-CORE", end_date=D(2025, 3, 31), owner=manager)
    ExtensionOptionFactory(contract=contract, year=2025)  # decide by 31 December 2024
    ExtensionOptionFactory(contract=contract, year=2026)  # decide by 31 December 2025

    run("2025-01-01")

    [email] = mail.outbox
    assert email.to == ["mo@example.gov.uk"]
    assert email.subject == "Commissioning register: 2 decisions to make, 1 overdue"
    assert "[Overdue] VS-CORE" in email.body
    assert "decide by 31 December 2024" in email.body
    assert "[Due in 12 months] VS-CORE" in email.body
    assert "decide by 31 December 2025" in email.body
    assert "Owner: Mo Manager" in email.body
    assert "/contracts/VS-CORE/#decisions" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Decisions to make, 1 January 2025" in html


@pytest.mark.django_db
def test_running_twice_sends_once(admin_user):
    ExtensionOptionFactory(year=2025, contract__end_date=D(2025, 3, 31))
    run("2024-10-01")
    run("2024-10-01")
    assert len(mail.outbox) == 1
    assert "Nobody named (administrators are told)" in mail.outbox[0].alternatives[0][0]
    assert SentAlert.objects.get().lead_months == 3


@pytest.mark.django_db
def test_each_lead_time_is_sent_once_and_the_day_after_the_date_it_is_overdue(admin_user):
    ExtensionOptionFactory(year=2025, contract__end_date=D(2025, 3, 31))  # by 31 Dec 2024
    sent = {}
    expected = {
        "2023-12-30": 0,
        "2023-12-31": 1,  # 12 months before 31 December 2024
        "2024-06-29": 0,
        "2024-06-30": 1,  # 6 months
        "2024-07-01": 0,
        "2024-09-30": 1,  # 3 months
        "2024-11-30": 1,  # 1 month
        "2024-12-31": 0,  # the decision date itself is not yet overdue
        "2025-01-01": 1,  # overdue
        "2025-01-02": 0,
    }
    for day in expected:
        before = len(mail.outbox)
        run(day)
        sent[day] = len(mail.outbox) - before
    assert sent == expected
    assert "[Overdue]" in mail.outbox[-1].body


@pytest.mark.django_db
def test_a_moved_decision_date_is_alerted_afresh(admin_user):
    option = ExtensionOptionFactory(year=2025, contract__end_date=D(2025, 3, 31))
    run("2024-12-01")
    assert len(mail.outbox) == 1
    option.decision_due = D(2025, 2, 28)
    option.save()
    run("2024-12-01")  # the 3-month lead time for 28 February 2025 has come
    assert len(mail.outbox) == 2
    assert "decide by 28 February 2025" in mail.outbox[1].body


@pytest.mark.django_db
def test_nothing_is_sent_about_what_has_ended(admin_user):
    ended = ContractFactory(end_date=D(2024, 3, 31), status=Status.ENDED)
    ExtensionOptionFactory(contract=ended, year=2024)
    past = ExtensionOptionFactory(year=2024, contract__end_date=D(2024, 3, 31))
    run("2025-06-01")  # the 2024/25 option's period is over
    assert mail.outbox == []
    assert ExtensionOption.objects.overdue(D(2025, 6, 1)).contains(past)


@pytest.mark.django_db
def test_someone_who_switched_alerts_off_gets_none(admin_user, manager):
    AlertPreference.objects.create(user=manager, receives_alerts=False)
    ExtensionOptionFactory(year=2025, contract__end_date=D(2025, 3, 31), contract__owner=manager)
    ExtensionOptionFactory(year=2025, contract__end_date=D(2025, 3, 31))
    run("2024-12-01")
    assert [email.to for email in mail.outbox] == [["ada@example.gov.uk"]]
    assert mail.outbox[0].subject == "Commissioning register: 1 decision to make"


@pytest.mark.django_db
def test_a_dry_run_prints_the_digest_and_sends_and_records_nothing(admin_user):
    ExtensionOptionFactory(year=2025, contract__reference="RJ-1", contract__end_date=D(2025, 3, 31))
    out = run("2025-01-01", "--dry-run")
    assert "To: ada@example.gov.uk" in out
    assert "[Overdue] RJ-1" in out
    assert "Would send 1 email(s) with 1 alert(s) for 2025-01-01." in out
    assert mail.outbox == []
    assert not SentAlert.objects.exists()


@pytest.mark.django_db
def test_a_bad_date_is_refused_with_a_message():
    with pytest.raises(Exception, match="--today must be a date written YYYY-MM-DD"):
        run("1/1/2024")


@pytest.mark.django_db
def test_the_real_register_on_1_january_2024_tells_the_administrators(admin_user):
    call_command("load_register", stdout=StringIO())
    out = run("2024-01-01", "--dry-run")
    assert "To: ada@example.gov.uk" in out
    assert "[Overdue] REMEDI-PATHWAYS Pathways" in out
    assert "Extension option 2024/25 (£220,400) — decide by 31 December 2023" in out
    assert "[Due in 12 months] REMEDI-RJ-VICTIMS" in out
    assert "nobody named (administrators are told)" in out


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("rows_migrations_made_put_back")
def test_two_runs_at_once_send_each_alert_once(admin_user, monkeypatch):
    ExtensionOptionFactory(year=2025, contract__end_date=D(2025, 3, 31))
    ExtensionOptionFactory(year=2026, contract__end_date=D(2026, 3, 31))
    # Hold the first run's transaction open while it sends, so the second overlaps it.
    backend = type(mail.mailers.default)
    original = backend.send_messages

    def slow_send(self, messages):
        time.sleep(0.5)
        return original(self, messages)

    monkeypatch.setattr(backend, "send_messages", slow_send)
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait()
            outcomes.append(run("2025-01-01"))
        except Exception as error:  # SQLite's shared in-memory test database refuses at once
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(mail.outbox) == 1
    assert SentAlert.objects.count() == 2
    sent = [o for o in outcomes if isinstance(o, str) and "Sent 1 email(s)" in o]
    assert len(sent) == 1
    others = [o for o in outcomes if o not in sent]
    for other in others:
        if connection.vendor == "postgresql":
            # PostgreSQL makes the second run wait for the first, then find the rows there.
            assert "Sent 0 email(s)" in other
        else:
            assert "Sent 0 email(s)" in str(other) or "locked" in str(other)
