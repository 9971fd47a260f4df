"""Decision alerts: who is told about which decisions on a given day, and sending them once.

An open decision is alerted at each lead time (``ALERT_LEAD_TIMES`` months before its
decision date, by default 12, 6, 3 and 1) and on the first day it is overdue. A run
sends the latest alert a decision has reached and not yet had (a run missed for a few
days catches up with one email, never a burst of stale ones). Nothing is sent about
a decision whose option period or contract has ended.

"Once" is held by the database: a run first inserts a ``SentAlert`` row for each alert
(``UNIQUE (subject, due_date, lead_months)``) and only sends those whose insert
succeeded; a second run, or a second worker at the same moment, finds the rows there
(or waits on the first run's transaction and then finds them) and sends nothing. The
inserts and the sending are one transaction: if the mail server refuses, nothing is
recorded and the next run tries again.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string

from commissioning.roles import ADMINISTRATOR
from contracts.models import AlertPreference, OpenDecision, SentAlert, add_months

OVERDUE = 0  # the "lead time" of the alert on the day a decision becomes overdue


@dataclass
class Alert:
    decision: OpenDecision
    lead_months: int

    @property
    def heading(self):
        if self.lead_months == OVERDUE:
            return self.decision.state.label
        months = self.lead_months
        return f"Due in {months} month{'s' if months != 1 else ''}"


@dataclass
class Digest:
    """One person's email for one run: every alert for them, soonest first."""

    user: object
    alerts: list = field(default_factory=list)
    as_administrator: bool = False

    @property
    def subject(self):
        overdue = sum(1 for alert in self.alerts if alert.lead_months == OVERDUE)
        count = len(self.alerts)
        words = f"{count} decision{'s' if count != 1 else ''} to make"
        if overdue:
            words += f", {overdue} overdue"
        return f"Commissioning register: {words}"

    def message(self, day):
        context = {
            "digest": self,
            "day": day,
            "site_url": settings.SITE_URL,
            "opcc_name": settings.OPCC_NAME,
        }
        email = mail.EmailMultiAlternatives(
            subject=self.subject,
            body=render_to_string("emails/decision_alerts.txt", context),
            to=[self.user.email],
        )
        email.attach_alternative(
            render_to_string("emails/decision_alerts.html", context), "text/html"
        )
        return email


def lead_time_reached(decision, day):
    """The alert ``decision`` is due on ``day``: 0 once overdue, else the shortest lead time
    whose date has come; None before the longest lead time."""
    if decision.is_overdue:
        return OVERDUE
    reached = [
        months for months in settings.ALERT_LEAD_TIMES if add_months(decision.due, -months) <= day
    ]
    return min(reached) if reached else None


def alerts_due(day):
    """Every alert due on ``day`` for decisions not yet ended, sent or not."""
    longest = max(settings.ALERT_LEAD_TIMES)
    alerts = []
    for decision in OpenDecision.all_on(day, within_months=longest):
        if decision.has_ended:
            continue
        lead = lead_time_reached(decision, day)
        if lead is not None:
            alerts.append(Alert(decision, lead))
    return alerts


def administrators():
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ADMINISTRATOR))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def receives_alerts(user):
    """Whether a user has left decision alerts on (the default)."""
    return not AlertPreference.objects.filter(user=user, receives_alerts=False).exists()


def wants_alerts(user):
    return user.is_active and bool(user.email) and receives_alerts(user)


def digests_for(alerts):
    """The alerts gathered into one digest per person: the owner, or every administrator
    when a decision has no owner. People who switched alerts off get none."""
    admins = None
    digests = {}
    for alert in alerts:
        owner = alert.decision.owner
        if owner is not None:
            people, as_admin = [owner], False
        else:
            if admins is None:
                admins = administrators()
            people, as_admin = admins, True
        for person in people:
            if not wants_alerts(person):
                continue
            digest = digests.setdefault(person.pk, Digest(user=person))
            digest.alerts.append(alert)
            digest.as_administrator = digest.as_administrator or as_admin
    return list(digests.values())


def claim(alert, day):
    """Insert the alert's row; False if another run already has it (the insert fails)."""
    try:
        with transaction.atomic():
            SentAlert.objects.create(
                subject=alert.decision.key,
                due_date=alert.decision.due,
                lead_months=alert.lead_months,
                sent_on=day,
            )
    except IntegrityError:
        return False
    return True


def send_alerts(day, dry_run=False):
    """Send (or with ``dry_run`` only build) the day's digests; returns them."""
    alerts = alerts_due(day)
    if dry_run:
        already = set(
            SentAlert.objects.filter(
                subject__in=[alert.decision.key for alert in alerts]
            ).values_list("subject", "due_date", "lead_months")
        )
        unsent = [
            alert
            for alert in alerts
            if (alert.decision.key, alert.decision.due, alert.lead_months) not in already
        ]
        return digests_for(unsent)
    with transaction.atomic():
        claimed = [alert for alert in alerts if claim(alert, day)]
        digests = digests_for(claimed)
        recipients = defaultdict(list)
        for digest in digests:
            for alert in digest.alerts:
                recipients[alert.decision.key].append(digest.user.email)
        for alert in claimed:
            SentAlert.objects.filter(
                subject=alert.decision.key,
                due_date=alert.decision.due,
                lead_months=alert.lead_months,
            ).update(recipients=", ".join(recipients[alert.decision.key]))
        if digests:
            mail.mailers.default.send_messages([digest.message(day) for digest in digests])
    return digests
