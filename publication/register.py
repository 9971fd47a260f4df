"""The published register: what the office publishes, in the order of the Specified Information
Order 2011 — contracts over £10,000, the list of contracts of £10,000 or less, and crime and
disorder reduction grants.

Every public page, download and open-data file is made from ``published_register()``, so they
all hold the same records, and only the fields named here and in the templates and exporters of
this app: never internal notes, provider notes, contract managers, unpublished outcomes, drafts
or planned services.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from contracts.models import (
    Contract,
    ContractChange,
    ContractPartner,
    ContractValue,
    ExtensionOption,
)
from outcomes.models import KeyPerformanceIndicator

# The Order: a copy of each contract over £10,000; a list of those of £10,000 or less.
ORDER_CONTRACT_THRESHOLD = Decimal("10000")


def is_over_order_threshold(contract):
    """A contract over £10,000 (its whole value) is published as a copy, not only listed."""
    return contract.total_value > ORDER_CONTRACT_THRESHOLD


def with_published_relations(contracts):
    """Published contracts with every published related row in a fixed number of queries."""
    return (
        contracts.with_totals()
        .select_related("category", "lead_provider", "lead_commissioner")
        .prefetch_related(
            "co_commissioners",
            Prefetch(
                "partners",
                queryset=ContractPartner.objects.select_related("provider").order_by(
                    "area", "provider__name", "pk"
                ),
            ),
            Prefetch("values", queryset=ContractValue.objects.order_by("start_date", "pk")),
            Prefetch("options", queryset=ExtensionOption.objects.order_by("start_date", "pk")),
            Prefetch("changes", queryset=ContractChange.objects.order_by("made_on", "pk")),
        )
        .order_by("category__order", "category__name", "title", "reference")
    )


@dataclass
class PublishedRegister:
    """The published records, split the way the Order lists them."""

    contracts_over_threshold: list = field(default_factory=list)
    contracts_at_or_under_threshold: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    generated_on: object = None

    @property
    def contracts(self):
        return self.contracts_over_threshold + self.contracts_at_or_under_threshold

    @property
    def everything(self):
        return self.contracts + self.grants


def published_register(today=None):
    """The published register today: one query for the records and one per kind of related row."""
    today = today or timezone.localdate()
    register = PublishedRegister(generated_on=today)
    contracts = list(with_published_relations(Contract.objects.published(today)))
    attach_kpi_rows(contracts)
    for contract in contracts:
        contract.published_parties = parties(contract)
        if contract.is_grant:
            register.grants.append(contract)
        elif is_over_order_threshold(contract):
            register.contracts_over_threshold.append(contract)
        else:
            register.contracts_at_or_under_threshold.append(contract)
    return register


def attach_kpi_rows(contracts):
    """Give each contract ``kpi_rows``: its KPIs with their ratings over time (one query)."""
    by_contract = {contract.pk: [] for contract in contracts}
    if by_contract:
        for row in KeyPerformanceIndicator.objects.filter(contract__in=list(by_contract)).rows():
            by_contract[row.contract_id].append(row)
    for contract in contracts:
        contract.kpi_rows = by_contract[contract.pk]
    return contracts


def parties(contract):
    """Every party to a contract, as the Order asks: the commissioners, then the providers."""
    bodies = [contract.lead_commissioner, *contract.co_commissioners.all()]
    providers = [contract.lead_provider, *(partner.provider for partner in contract.partners.all())]
    seen, named = set(), []
    for party in [*bodies, *providers]:
        key = (type(party), party.pk)
        if key not in seen:
            seen.add(key)
            named.append(party)
    return named
