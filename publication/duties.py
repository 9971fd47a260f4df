"""What each contract still owes the public: the publication duties that apply, and which are
not yet met, each with the date it is due (or overdue).

The duties, in brief (``PUBLISHING.md`` in the project's notes has the sources):

- the Specified Information Order 2011: every awarded contract and grant is published; a
  contract over £10,000 with a copy of it; one of £10,000 or less with its purpose; a grant
  with its conditions, purpose and why it is expected to reduce crime and disorder; an
  invitation to tender over £10,000 with a copy of it;
- the Procurement Act 2023, for contracts procured under it: a contract details notice (UK7)
  within 30 days of entering into the contract (above threshold, or from £30,000 below it);
  KPIs rated at least every 12 months, with a contract performance notice (UK9), unless the
  contract is light-touch; a contract change notice (UK10) before a change beyond the
  thresholds takes effect; a contract termination notice (UK11) within 30 days of the end.

Recording the notice (admin: the contract's Notices), the copy, the rating or the missing
text clears the duty. One query per kind of row, however many contracts.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from commissioning.formats import format_date
from contracts.models import (
    PUBLISHABLE_STATUSES,
    Contract,
    ContractChange,
    NoticeType,
    Status,
    Threshold,
    add_months,
)
from outcomes.models import KeyPerformanceIndicator, PerformanceRating

from .register import ORDER_CONTRACT_THRESHOLD, is_over_order_threshold

NOTICE_DAYS = 30
# Below threshold, a body other than central government publishes a UK7 from £30,000.
BELOW_THRESHOLD_UK7_FROM = Decimal("30000")
RATING_MONTHS = 12


@dataclass(frozen=True)
class Duty:
    """One thing missing: what to do, in words an officer can act on, and when it is due."""

    what: str
    due: datetime.date | None = None
    notice: str = ""  # the notice that clears it, when one does

    @property
    def notice_label(self):
        return NoticeType(self.notice).label if self.notice else ""

    def is_overdue(self, today):
        return self.due is not None and self.due < today


@dataclass
class ContractDuties:
    contract: Contract
    duties: list = field(default_factory=list)

    @property
    def earliest_due(self):
        dates = [duty.due for duty in self.duties if duty.due]
        return min(dates) if dates else None


def _notices(contract, notice_type):
    return [notice for notice in contract.notices.all() if notice.notice_type == notice_type]


def _publication_duties(contract, today):
    awarded = contract.status in PUBLISHABLE_STATUSES
    duties = []
    if contract.status == Status.PROCUREMENT:
        if contract.total_value > ORDER_CONTRACT_THRESHOLD and not contract.tender_url:
            duties.append(
                Duty(
                    "Publish a copy of the invitation to tender or quote (over £10,000) and "
                    "record its link."
                )
            )
        return duties
    if not awarded:
        return duties
    if contract.parent_id and not contract.values.all():
        # A sub-line with no value of its own is part of its main contract, published there.
        return duties
    if not contract.values.all():
        duties.append(Duty("Record its value: the Order publishes every contract's value."))
    elif not contract.is_published:
        duties.append(
            Duty(
                "Awarded but not published: mark it published (it then appears on the "
                "transparency page and in the open data).",
                contract.start_date,
            )
        )
    if contract.is_grant:
        if not contract.grant_conditions:
            duties.append(
                Duty("Record the grant's conditions, for publication.", contract.start_date)
            )
        if not contract.crime_reduction_reason:
            duties.append(
                Duty(
                    "Record why the grant is expected to reduce crime and disorder.",
                    contract.start_date,
                )
            )
        if not contract.purpose:
            duties.append(Duty("Record the grant's purpose in one sentence.", contract.start_date))
    elif is_over_order_threshold(contract):
        if not contract.published_copy_url:
            duties.append(
                Duty(
                    "Publish a copy of the contract (over £10,000), redacted if need be, "
                    "and record its link.",
                    contract.start_date,
                )
            )
    elif contract.values.all() and not contract.purpose:
        duties.append(
            Duty(
                "Record its purpose in one sentence (the list of contracts of £10,000 or less).",
                contract.start_date,
            )
        )
    return duties


def _needs_contract_details_notice(contract):
    if contract.threshold == Threshold.ABOVE:
        return True
    return contract.total_value >= BELOW_THRESHOLD_UK7_FROM


def _act_duties(contract, today):
    if not contract.under_procurement_act or contract.status not in PUBLISHABLE_STATUSES:
        return []
    duties = []
    if _needs_contract_details_notice(contract) and not _notices(contract, NoticeType.UK7):
        due = (
            contract.start_date + datetime.timedelta(days=NOTICE_DAYS)
            if contract.start_date
            else None
        )
        duties.append(Duty("Publish the contract details notice.", due, NoticeType.UK7))
    running = contract.current_status in (Status.LIVE, Status.EXTENDED)
    if running and not contract.light_touch:
        for kpi in contract.kpis.all():
            ratings = list(kpi.ratings.all())
            last = ratings[-1].period_end if ratings else contract.start_date
            due = add_months(last, RATING_MONTHS) if last else None
            if due is None or due <= today:
                duties.append(
                    Duty(
                        f"Rate the KPI “{kpi.measure.name}” (not rated in the last 12 months) "
                        "and publish a contract performance notice.",
                        due,
                        NoticeType.UK9,
                    )
                )
    if not contract.light_touch:
        linked = {
            notice.change_id for notice in _notices(contract, NoticeType.UK10) if notice.change_id
        }
        for change in contract.changes.all():
            if change.needs_change_notice and change.pk not in linked:
                duties.append(
                    Duty(
                        f"Publish a contract change notice for the change of "
                        f"{format_date(change.made_on)} (beyond 10% of value or "
                        "term), before it takes effect, and record it against the change.",
                        change.made_on,
                        NoticeType.UK10,
                    )
                )
    if contract.has_ended and not _notices(contract, NoticeType.UK11):
        ended = contract.ending_date
        due = ended + datetime.timedelta(days=NOTICE_DAYS) if ended else None
        duties.append(Duty("Publish the contract termination notice.", due, NoticeType.UK11))
    return duties


def contracts_for_duties():
    """Every contract in the register with the rows its duties read, in a fixed number of
    queries."""
    return (
        Contract.objects.current()
        .with_totals()
        .select_related("lead_provider", "category")
        .prefetch_related(
            "values",
            "notices",
            Prefetch("changes", queryset=ContractChange.objects.order_by("made_on", "pk")),
            Prefetch(
                "kpis",
                queryset=KeyPerformanceIndicator.objects.select_related("measure").prefetch_related(
                    Prefetch("ratings", queryset=PerformanceRating.objects.order_by("period_end"))
                ),
            ),
        )
        .order_by("category__order", "category__name", "title", "reference")
    )


def duties_for(contract, today=None):
    """The duties a contract has not yet met."""
    today = today or timezone.localdate()
    return _publication_duties(contract, today) + _act_duties(contract, today)


def outstanding_duties(today=None):
    """Every contract with something missing, soonest due first (undated last)."""
    today = today or timezone.localdate()
    rows = []
    for contract in contracts_for_duties():
        duties = duties_for(contract, today)
        if duties:
            rows.append(ContractDuties(contract, duties))
    rows.sort(key=lambda row: (row.earliest_due is None, row.earliest_due or today))
    return rows
