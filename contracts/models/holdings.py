"""What each provider holds: its contracts, and the money of those it leads.

Providers sit below contracts (``providers`` imports nothing from ``contracts``),
so these figures about a provider's contracts are written here, as annotations
on a ``Provider`` QuerySet, for the provider pages.
"""

from decimal import Decimal

from django.db.models import (
    F,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from commissioning import expressions
from commissioning.fy import FinancialYear

from .contract import Contract
from .stored_money import ContractMoney, ContractYearShare


def with_contract_counts(providers):
    """Annotate ``contracts_held``: current contracts a provider holds as lead or partner,
    each counted once: those ``Contract.objects.current().of_provider()`` lists.

    Counted as the contracts it leads plus those it partners but does not lead: two index
    lookups per provider, never a set union. Sorting 20,000 providers by the count reads
    them all, and ``of_provider``'s union per provider took ~0.5 s there at 100,000
    contracts on PostgreSQL (bench/results.md, "Pages outside the bench").
    """
    current = Contract.objects.current().order_by()
    led = _count(current.filter(lead_provider=OuterRef("pk")), "COUNT(%(expressions)s)")
    partnered_only = _count(
        current.filter(partners__provider=OuterRef("pk")).exclude(lead_provider=OuterRef("pk")),
        # A provider may partner one contract in several areas: the contract counts once.
        "COUNT(DISTINCT %(expressions)s)",
    )
    return providers.annotate(
        contracts_held=Coalesce(led, Value(0)) + Coalesce(partnered_only, Value(0))
    )


def _count(contracts, template):
    """A subquery counting ``contracts`` with ``template``: one row, whatever it matches."""
    counted = (
        contracts.annotate(one=Value(1))
        .values("one")
        .annotate(count=Func(F("pk"), function="COUNT", template=template))
        .values("count")
    )
    return Subquery(counted, output_field=IntegerField())


def with_annual_value(providers, year=None):
    """Annotate ``annual_value``: the provider's annual value is the sum, apportioned to
    financial ``year`` (this one by default), of the values of the current contracts it
    leads. Partners' shares are not recorded, so partnerships add nothing."""
    year = FinancialYear.parse(year) if year is not None else FinancialYear.current()
    # Read from the stored yearly shares (stored_money.py): nothing apportioned per value.
    led_values = (
        ContractYearShare.objects.filter(
            year=year.start_year,
            contract__lead_provider=OuterRef("pk"),
            contract__archived_at__isnull=True,
        )
        .order_by()
        .values("contract__lead_provider")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return providers.annotate(
        annual_value=Coalesce(
            Subquery(led_values, output_field=expressions.MONEY),
            Value(Decimal(0)),
            output_field=expressions.MONEY,
        )
    )


def with_total_value(providers):
    """Annotate ``total_value``: the sum of every stored value, all years, of the current
    contracts a provider leads."""
    led_values = (
        ContractMoney.objects.filter(
            contract__lead_provider=OuterRef("pk"), contract__archived_at__isnull=True
        )
        .order_by()
        .values("contract__lead_provider")
        .annotate(total=Sum("total_amount"))
        .values("total")
    )
    return providers.annotate(
        total_value=Coalesce(
            Subquery(led_values, output_field=expressions.MONEY),
            Value(Decimal(0)),
            output_field=expressions.MONEY,
        )
    )


def with_holdings(providers, year):
    """The three annotations the provider pages show: contracts held, value in ``year``, total."""
    return with_total_value(with_annual_value(with_contract_counts(providers), year))
