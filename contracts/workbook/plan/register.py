"""The whole register's import: named lists first, then contracts, then each contract's rows."""

from django.db import transaction

from contracts.models import (
    Category,
    Cohort,
    CommissioningBody,
    FundingStream,
    money_written_once,
)
from outcomes.models import Measure
from providers.models import Provider

from ..columns import (
    CATEGORIES,
    COHORTS,
    COMMISSIONERS,
    FUNDING_STREAMS,
    MEASURES,
    PROVIDERS,
    SHEETS,
)
from ..named_records import NamedRecords
from ..report import SheetChanges
from .bulk import create_in_bulk
from .contracts import ContractsSheet
from .lifecycle import ChangesSheet, KpisSheet, NoticesSheet
from .options import OptionsSheet
from .outcomes import OutcomesSheet
from .partners import PartnersSheet
from .values import ValuesSheet

# sheet, model, strict: a strict sheet must list every name used elsewhere in the workbook.
NAMED_SHEETS = (
    (COMMISSIONERS, CommissioningBody, True),
    (PROVIDERS, Provider, True),
    (CATEGORIES, Category, False),
    (COHORTS, Cohort, False),
    (MEASURES, Measure, False),
    (FUNDING_STREAMS, FundingStream, False),
)

CONTRACTS_SHEET = ContractsSheet()

# In this order: the Options sheet checks its rows against the Values sheet's.
CHILD_SHEETS = (
    PartnersSheet(),
    ValuesSheet(),
    OptionsSheet(),
    OutcomesSheet(),
    KpisSheet(),
    ChangesSheet(),
    NoticesSheet(),
)


class RegisterImport:
    """A parsed workbook compared with the register: the errors, and what would change."""

    def __init__(self, parsed):
        self.parsed = parsed
        self.errors = list(parsed.errors)
        self.changes = {sheet.name: SheetChanges() for sheet in SHEETS}
        self.lookups = {}  # sheet name -> NamedRecords
        self.contracts = {}  # reference -> ContractPlan
        self.wanted = {}  # child sheet name -> reference -> the unsaved records its rows ask for
        for sheet, model, strict in NAMED_SHEETS:
            self.lookups[sheet.name] = NamedRecords(self, sheet, model, strict)
            if sheet.name in parsed.sheets:
                self.lookups[sheet.name].read_rows(parsed.sheets[sheet.name])
        CONTRACTS_SHEET.plan(self, CHILD_SHEETS)
        for child in CHILD_SHEETS:
            if child.sheet.name in parsed.sheets:
                child.plan(self)

    def write(self, user=None):
        """Write every change in one transaction (call only when there are no errors).

        New rows are inserted in bulk (with their history rows); changed rows are
        saved one by one so each gets its history row and its new version. Each
        contract's stored money is written once, at the end (``money_written_once``).
        """
        with transaction.atomic(), money_written_once():
            for lookup in self.lookups.values():
                for record in lookup.to_save:
                    if record.pk is not None:
                        record.save()
                create_in_bulk(lookup.model, [r for r in lookup.to_save if r.pk is None], user)
            CONTRACTS_SHEET.write(self, user)
            for child in CHILD_SHEETS:
                child.write(self, user)
