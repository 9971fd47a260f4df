"""Data quality: the checks that say which records of the register are incomplete or
disagree with themselves. The page /reports/data-quality/, its PDF and
``manage.py check_register`` all run ``run_checks(day)``: one query per check.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from commissioning.templatetags.register_format import money, uk_date
from contracts.models import Contract, ContractValue, ExtensionOption
from outcomes.models import Outcome
from providers.models import Provider

POUNDS = re.compile(r"£\s?([\d,]+(?:\.\d{1,2})?)\s?(k|m|million)?", re.IGNORECASE)


@dataclass
class Finding:
    label: str
    url: str
    detail: str = ""


@dataclass
class Check:
    slug: str
    title: str
    fix: str
    findings: list = field(default_factory=list)
    total: int | None = None  # when ``findings`` is only the first of them

    @property
    def count(self):
        return len(self.findings) if self.total is None else self.total

    @property
    def more(self):
        """Findings counted but not listed."""
        return self.count - len(self.findings)


def _listed(rows, make, shown):
    """``(findings, total)``: every row made a finding, or with ``shown`` only the first
    ``shown`` of them and the count of all (a query, not 500,000 findings built)."""
    if shown is None:
        return [make(row) for row in rows], None
    first = list(rows[: shown + 1])
    if len(first) <= shown:
        return [make(row) for row in first], None
    # A QuerySet is counted by a query; a list (a check made in Python) is counted as it is.
    total = len(rows) if isinstance(rows, list) else rows.count()
    return [make(row) for row in first[:shown]], total


def _contract(contract, detail=""):
    return Finding(f"{contract.reference} {contract.title}", contract.get_absolute_url(), detail)


def _admin(obj, label, detail=""):
    meta = obj._meta
    return Finding(
        label, reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]), detail
    )


def stated_amounts(note):
    """The pounds written in a value note: "TOTAL: £633" → [633], "£83.2k" → [83200]."""
    amounts = []
    for figure, scale in POUNDS.findall(note):
        amount = Decimal(figure.replace(",", ""))
        scale = scale.lower()
        if scale == "k":
            amount *= 1000
        elif scale in ("m", "million"):
            amount *= 1_000_000
        amounts.append(amount)
    return amounts


def run_checks(day=None, shown=None):
    """Every check, with what it found on ``day``: all of it, or with ``shown`` the first
    ``shown`` findings of each and the count of the rest (the page: a national register can
    have hundreds of thousands, which took 55 s to list, bench/results.md, h16l)."""
    day = day or timezone.localdate()
    contracts = Contract.objects.current().order_by("reference")
    has_value = ContractValue.objects.filter(contract=OuterRef("pk"))
    outside = ContractValue.objects.filter(contract=OuterRef("pk")).filter(
        Q(start_date__lt=OuterRef("start_date")) | Q(end_date__gt=OuterRef("end_date"))
    )
    checks = [
        Check(
            "no-values",
            "Contracts with no values",
            "Add the yearly or period values, or say why in the value note.",
            *_listed(contracts.exclude(Exists(has_value)), _contract, shown),
        ),
        Check(
            "no-end-date",
            "Contracts with no end date",
            "Record when the contract ends.",
            *_listed(contracts.filter(end_date__isnull=True), _contract, shown),
        ),
        Check(
            "values-outside-period",
            "Values outside the contract’s period",
            "Correct the value’s dates or the contract’s start and end.",
            *_listed(
                contracts.filter(start_date__isnull=False, end_date__isnull=False).filter(
                    Exists(outside)
                ),
                lambda c: _contract(c, f"runs {uk_date(c.start_date)} to {uk_date(c.end_date)}"),
                shown,
            ),
        ),
        Check(
            "total-disagrees-with-note",
            "A total that disagrees with the value note",
            "The note states an amount the values do not add up to: correct one of them.",
            # Compared in Python (the note's amounts are parsed from its text): a list.
            *_listed(
                [
                    c
                    for c in contracts.filter(value_note__contains="£").with_totals()
                    if stated_amounts(c.value_note)
                    and c.total_value not in stated_amounts(c.value_note)
                ],
                lambda c: _contract(
                    c, f"the note says “{c.value_note}”; the values total {money(c.total_value)}"
                ),
                shown,
            ),
        ),
        Check(
            "options-overdue",
            "Options past their decision date still available",
            "Record the decision on the contract page (extend, re-procure, end or let lapse).",
            *_listed(
                ExtensionOption.objects.overdue(day)
                .filter(contract__archived_at__isnull=True)
                .select_related("contract")
                .order_by("decision_date", "contract__reference"),
                lambda o: Finding(
                    f"{o.contract.reference} {o.contract.title}: option {o.period_label}",
                    f"{o.contract.get_absolute_url()}#decisions",
                    f"decision due {uk_date(o.decision_date)}",
                ),
                shown,
            ),
        ),
        Check(
            "outcomes-without-period-or-source",
            "Outcomes with no period or source",
            "Say which period the figure covers and where it was published.",
            *_listed(
                Outcome.objects.filter(contract__archived_at__isnull=True)
                .filter(Q(source="") | Q(period_start__isnull=True, period_label=""))
                .select_related("contract")
                .order_by("contract__reference", "pk"),
                lambda o: _admin(
                    o,
                    f"{o.contract.reference}: {o.text[:80]}",
                    "no period and no source"
                    if not o.source and not (o.period_start or o.period_label)
                    else ("no source" if not o.source else "no period"),
                ),
                shown,
            ),
        ),
        Check(
            "providers-without-numbers",
            "Providers with no charity or company number",
            "Record the Charity Commission or Companies House number.",
            *_listed(
                Provider.objects.current()
                .filter(charity_number="", company_number="")
                .order_by("name"),
                lambda p: _admin(p, p.name, p.get_kind_display()),
                shown,
            ),
        ),
        Check(
            "no-owner",
            "Contracts with no owner",
            "Name the contract manager (a user of the register), so alerts reach them.",
            *_listed(
                contracts.filter(owner__isnull=True),
                lambda c: _contract(c, c.contract_manager),
                shown,
            ),
        ),
    ]
    return checks


def total_findings(checks):
    return sum(check.count for check in checks)
