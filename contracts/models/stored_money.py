"""Money the register lists read, stored beside the values it is derived from.

The values and options stay the one source of truth. Lists of thousands of
contracts must not apportion every value of every contract to sort a page of
fifty, so two tables hold what the values and options come to:

- ``ContractYearShare``: a contract's values apportioned to each financial year
  (the apportionment rule of ``commissioning.fy``, computed by the same SQL
  expression the dashboard aggregates with);
- ``ContractMoney``: per contract, the total of its values, the value of its
  options still available, and whether any is still available. Every contract
  has one, written when the contract is created (£0 and no options until a
  value or option is added), so lists join it without losing a contract and
  sort or filter by its indexes.

They are rewritten for a contract in the same transaction as any change to one
of its values or options (the models' ``post_save``/``post_delete``, with the
saves made atomic), and for every contract by ``manage.py rebuild_money``
(after bulk loads, which send no signals). Both paths run ``write_money()``,
one ``INSERT … SELECT`` per financial year. Indexed, they serve sorting and
filtering by value this year, total, value range and options remaining.

A property test (tests/contracts/test_stored_money.py) checks that after any
sequence of edits they equal what ``commissioning.fy.apportion`` derives from
the values in Python.
"""

import contextlib
import threading
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import F, Max, Min, Sum

from commissioning import expressions
from commissioning.formats import format_money
from commissioning.fy import FinancialYear

from .money import ContractValue


class ContractYearShare(models.Model):
    """What a contract's values come to in one financial year (stored; derived from the values)."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="year_shares"
    )
    year = models.PositiveSmallIntegerField(help_text="First calendar year of the financial year.")
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    # Derived from tables that move the data version already.
    data_version_ignored = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="one_share_per_year"),
        ]
        indexes = [
            models.Index(fields=["year", "amount"], name="share_year_amount"),
            # A provider's annual value (holdings.py) sums its contracts' shares of one year
            # from the index alone.
            models.Index(fields=["contract", "year", "amount"], name="share_contract_year_amount"),
        ]

    def __str__(self):
        return f"{FinancialYear(self.year)}: {format_money(self.amount)}"


class ContractMoney(models.Model):
    """A contract's total value, options still available and their value (stored; derived)."""

    contract = models.OneToOneField(
        "contracts.Contract", on_delete=models.CASCADE, primary_key=True, related_name="money"
    )
    total_amount = models.DecimalField(max_digits=14, decimal_places=2)
    options_amount = models.DecimalField(max_digits=14, decimal_places=2)
    options_remaining = models.BooleanField()

    data_version_ignored = True

    class Meta:
        verbose_name_plural = "contract money"
        indexes = [
            models.Index(fields=["total_amount"], name="money_total"),
            models.Index(fields=["options_remaining", "total_amount"], name="money_options_total"),
            # A provider's total value (holdings.py), from the index alone.
            models.Index(fields=["contract", "total_amount"], name="money_contract_total"),
        ]

    def __str__(self):
        return f"{format_money(self.total_amount)} (+ {format_money(self.options_amount)} options)"


# What a contract with no values and no options has stored.
NO_MONEY = {"total_amount": Decimal(0), "options_amount": Decimal(0), "options_remaining": False}


def write_money(contract_ids=None):
    """Rewrite the stored shares and totals of ``contract_ids`` (every contract when None).

    ``contract_ids`` is keys, or a QuerySet of contracts (a subquery: a bulk load's
    hundred thousand new contracts). A handful of statements whatever the number of
    contracts: delete, then one ``INSERT … SELECT`` per financial year the values touch,
    and one for the totals, which writes a row for every contract in scope (£0 and no
    options when it has no values or options).
    """
    from .contract import Contract

    if contract_ids is not None and not isinstance(contract_ids, models.QuerySet):
        contract_ids = sorted(set(contract_ids))
        if not contract_ids:
            return

    def only(queryset, field="contract"):
        if contract_ids is None:
            return queryset
        if isinstance(contract_ids, models.QuerySet):
            return queryset.filter(**{f"{field}__in": contract_ids.values("pk")})
        return queryset.filter(**{f"{field}__in": contract_ids})

    quote = connection.ops.quote_name
    share_table, money_table = ContractYearShare._meta.db_table, ContractMoney._meta.db_table
    with transaction.atomic():
        only(ContractYearShare.objects.all())._raw_delete(connection.alias)
        only(ContractMoney.objects.all())._raw_delete(connection.alias)
        values = only(ContractValue.objects.order_by())
        span = values.aggregate(first=Min("start_date"), last=Max("end_date"))
        years = (
            FinancialYear.spanning(span["first"], span["last"]) if span["first"] is not None else []
        )
        with connection.cursor() as cursor:
            for year in years:
                per_contract = (
                    values.in_year(year)
                    .values("contract")
                    .annotate(share=Sum(expressions.amount_in_year(year)))
                    .values_list("contract", "share")
                )
                sql, params = per_contract.query.sql_with_params()
                cursor.execute(
                    f"INSERT INTO {quote(share_table)} (contract_id, year, amount) "
                    f"SELECT contract, {int(year.start_year)}, ROUND(share, 2) "
                    f"FROM ({sql}) AS shares",
                    params,
                )
            totals = (
                only(Contract.objects.order_by(), field="pk")
                .with_totals()
                .with_options_remaining()
                .annotate(contract=F("pk"))
                .values_list("contract", "total_amount", "options_amount", "has_options_remaining")
            )
            sql, params = totals.query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {quote(money_table)} "
                "(contract_id, total_amount, options_amount, options_remaining) "
                "SELECT contract, total_amount, options_amount, has_options_remaining "
                f"FROM ({sql}) AS totals",
                params,
            )


# Edits of values and options ------------------------------------------------

_deferred = threading.local()


@contextlib.contextmanager
def money_written_once():
    """Inside this block, edits only note which contracts changed; their money is written
    once at the end (a workbook import saves hundreds of rows in one transaction)."""
    outer = getattr(_deferred, "contract_ids", None)
    if outer is not None:
        yield
        return
    _deferred.contract_ids = set()
    try:
        with transaction.atomic():
            yield
            write_money(_deferred.contract_ids)
    finally:
        _deferred.contract_ids = None


def money_changed(contract_id):
    """A value or option of ``contract_id`` changed: rewrite its stored money now, or at the end
    of the enclosing ``money_written_once()`` block."""
    if contract_id is None:
        return
    pending = getattr(_deferred, "contract_ids", None)
    if pending is not None:
        pending.add(contract_id)
    else:
        write_money([contract_id])


def _after_change(sender, instance, raw=False, **kwargs):
    if raw:
        # loaddata: a dump carries the stored money too (loading it again would clash); a
        # fixture without it is followed by rebuild_money (load_register does so).
        return
    money_changed(instance.contract_id)


def _after_contract_created(sender, instance, created, raw=False, **kwargs):
    """Every contract has its money row from the moment it exists, £0 until a value is added,
    so lists join it (``with_stored_money``) without losing anyone and sort by its index."""
    if not created:
        return
    pending = getattr(_deferred, "contract_ids", None)
    if pending is not None:
        pending.add(instance.pk)
        return
    # A fixture's own money row for it (a dump carries them) replaces this one as it loads.
    ContractMoney.objects.bulk_create(
        [ContractMoney(contract=instance, **NO_MONEY)], ignore_conflicts=True
    )


def _after_contract_deleted(sender, instance, **kwargs):
    # Its values went first, and their post_delete wrote its money again: clear that.
    money_changed(instance.pk)


def connect():
    from django.db.models.signals import post_delete, post_save

    from .contract import Contract
    from .money import ExtensionOption

    post_save.connect(_after_contract_created, sender=Contract, dispatch_uid="money-new-contract")
    post_delete.connect(_after_contract_deleted, sender=Contract, dispatch_uid="money-contract")
    for model in (ContractValue, ExtensionOption):
        post_save.connect(_after_change, sender=model, dispatch_uid=f"money-{model.__name__}-save")
        post_delete.connect(
            _after_change, sender=model, dispatch_uid=f"money-{model.__name__}-delete"
        )
