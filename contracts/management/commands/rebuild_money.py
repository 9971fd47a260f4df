"""Rewrite every contract's stored money (shares per financial year, totals) from its values.

Edits through the models keep it right by themselves; run this after writing
values or options in bulk (``bulk_create``, SQL, a restored backup). It runs in
one transaction, a handful of statements however big the register.
"""

import time

from django.core.management.base import BaseCommand

from contracts.models import Contract, ContractYearShare, write_money


class Command(BaseCommand):
    help = "Rewrite the stored money (shares per financial year and totals) from the values."

    def handle(self, *args, **options):
        started = time.perf_counter()
        write_money()
        seconds = time.perf_counter() - started
        contracts = Contract.objects.count()
        shares = ContractYearShare.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored money rewritten for {contracts:,} contract{'s' if contracts != 1 else ''} "
                f"({shares:,} yearly shares) in {seconds:.1f} s."
            )
        )
