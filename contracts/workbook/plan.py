"""Matching a parsed workbook against the register, then writing only the difference.

``import_workbook(path, dry_run=...)`` is the whole import: read the file,
check every row (cell by cell, against the other sheets, and with each model's
``full_clean()``), work out what would be created, updated, left unchanged or
deleted, and — only when there is not a single error — write it all in one
transaction. Records are matched by name (providers, commissioners and the
other named lists, case-insensitively) and by contract reference. The child
rows of a contract on the Contracts sheet (partners, values, options,
outcomes) are made to match the workbook exactly, but a row that is already
the same is left alone, so re-importing writes nothing and adds no history.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from contracts.models import (
    Category,
    Cohort,
    CommissioningBody,
    Contract,
    ContractPartner,
    ContractValue,
    ExtensionOption,
    FundingStream,
    OptionStatus,
)
from outcomes.models import Measure, Outcome
from providers.models import Provider

from .columns import (
    CATEGORIES,
    COHORTS,
    COMMISSIONERS,
    CONTRACTS,
    FUNDING_STREAMS,
    MEASURES,
    OPTIONS,
    OUTCOMES,
    PARTNERS,
    PROVIDERS,
    SHEETS,
    VALUES,
    CellType,
)
from .named_records import NamedRecords, default_value, same_target, validation_errors
from .reader import WorkbookError, read_workbook
from .report import ImportReport, SheetChanges


@dataclass
class ContractPlan:
    """One Contracts row: the contract it creates or updates, and what happens to its child rows."""

    row: object
    contract: Contract
    changed: bool = False
    parent_given: bool = False  # whether the sheet has a parent_reference column
    parent_reference: str | None = None
    parent: Contract | None = None
    m2m: dict = field(default_factory=dict)  # field -> list of records, set when it changed
    # sheet name -> (to_delete, to_update, to_create, kept)
    children: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ChildSheet:
    """How one child sheet's rows belong to a contract and are matched to stored rows."""

    sheet: object
    model: type
    related_name: str
    key_fields: tuple  # rows with the same key but other differences are updated in place

    def label(self, reference, record):
        if self.model is ContractPartner:
            area = f" ({record.area})" if record.area else ""
            return f"{reference} {record.provider.name if record.provider else ''}{area}"
        if self.model is Outcome:
            text = record.text if len(record.text) <= 60 else record.text[:59] + "…"
            return f"{reference} {text}"
        return f"{reference} {record.period_label}"


CHILD_SHEETS = (
    ChildSheet(PARTNERS, ContractPartner, "partners", ("provider", "area")),
    ChildSheet(VALUES, ContractValue, "values", ("start_date", "end_date")),
    ChildSheet(OPTIONS, ExtensionOption, "options", ("start_date", "end_date")),
    ChildSheet(OUTCOMES, Outcome, "outcomes", ("kind", "text")),
)

PERIOD_FIELDS = ("start_date", "end_date")


class RegisterImport:
    """A parsed workbook compared with the register: the errors, and what would change."""

    def __init__(self, parsed):
        self.parsed = parsed
        self.errors = list(parsed.errors)
        self.changes = {sheet.name: SheetChanges() for sheet in SHEETS}
        self.lookups = {}
        self.contracts = {}  # reference -> ContractPlan
        self.wanted_values = {}  # reference -> the Values rows, for the options' overlap check
        self._plan_named_sheets()
        self._plan_contracts()
        for child in CHILD_SHEETS:
            if child.sheet.name in parsed.sheets:
                self._plan_children(child)

    # Named lists ----------------------------------------------------------

    def _plan_named_sheets(self):
        for sheet, model, strict in (
            (COMMISSIONERS, CommissioningBody, True),
            (PROVIDERS, Provider, True),
            (CATEGORIES, Category, False),
            (COHORTS, Cohort, False),
            (MEASURES, Measure, False),
            (FUNDING_STREAMS, FundingStream, False),
        ):
            self.lookups[sheet.name] = NamedRecords(self, sheet, model, strict)
            if sheet.name in self.parsed.sheets:
                self.lookups[sheet.name].read_rows(self.parsed.sheets[sheet.name])

    # Contracts ------------------------------------------------------------

    def _plan_contracts(self):
        parsed = self.parsed.sheets.get(CONTRACTS.name)
        if parsed is None:
            return
        references = [
            row.values.get("reference") for row in parsed.rows if row.values.get("reference")
        ]
        prefetch = ["cohorts", "co_commissioners"] + [
            child.related_name for child in CHILD_SHEETS if child.sheet.name in self.parsed.sheets
        ]
        if PARTNERS.name in self.parsed.sheets:
            prefetch.append("partners__provider")
        existing = {
            contract.reference: contract
            for contract in Contract.objects.filter(reference__in=references).prefetch_related(
                *prefetch
            )
        }
        for row in parsed.rows:
            reference = row.values.get("reference")
            if reference is None:
                continue
            if reference in self.contracts:
                self.errors.append(
                    row.error(
                        f"“{reference}” is already on row {self.contracts[reference].row.number}; "
                        "each contract reference must appear once.",
                        "reference",
                    )
                )
                continue
            plan = ContractPlan(row, existing.get(reference) or Contract(reference=reference))
            self.contracts[reference] = plan
            self._fill_contract(plan, parsed.columns)
        self._resolve_parents()
        for reference, plan in self.contracts.items():
            if plan.contract.pk is None:
                self.changes[CONTRACTS.name].created.append(reference)
            elif plan.changed:
                self.changes[CONTRACTS.name].updated.append(reference)
            else:
                self.changes[CONTRACTS.name].unchanged.append(reference)

    def _fill_contract(self, plan, columns):
        contract, row = plan.contract, plan.row
        changed = []
        targets = {}
        for column in columns:
            value = row.values[column.name]
            if column.name in ("reference", "parent_reference") or column.name in row.failed:
                if column.name == "parent_reference":
                    plan.parent_given = True
                    plan.parent_reference = value
                continue
            if column.type == CellType.NAMES:
                lookup = self.lookups[column.refers_to]
                records = [lookup.resolve(name, row, column.name) for name in value or []]
                if None in records:
                    continue
                current = (
                    {record.pk for record in getattr(contract, column.model_field).all()}
                    if (contract.pk)
                    else set()
                )
                if any(record.pk is None for record in records) or current != {
                    record.pk for record in records
                }:
                    plan.m2m[column.model_field] = records
                    changed.append(column.model_field)
            elif column.refers_to:
                target = self.lookups[column.refers_to].resolve(value, row, column.name)
                targets[column.model_field] = target
                if not same_target(getattr(contract, f"{column.model_field}_id"), target):
                    changed.append(column.model_field)
            elif column.name == "archived":
                if bool(value) != contract.is_archived:
                    contract.archived_at = timezone.now() if value else None
                    changed.append("archived_at")
            else:
                wanted = default_value(Contract, column.model_field) if value is None else value
                if getattr(contract, column.model_field) != wanted:
                    setattr(contract, column.model_field, wanted)
                    changed.append(column.model_field)
        for name, target in targets.items():
            if target is not None:
                setattr(contract, name, target)
        plan.changed = bool(changed)
        if not row.ok:
            return
        try:
            contract.full_clean(
                exclude=[
                    "category",
                    "lead_provider",
                    "lead_commissioner",
                    "parent",
                    "cohorts",
                    "co_commissioners",
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self.errors.extend(validation_errors(row, error, lambda field: field))

    def _resolve_parents(self):
        wanted = {
            plan.parent_reference
            for plan in self.contracts.values()
            if plan.parent_reference and plan.parent_reference not in self.contracts
        }
        in_register = {
            contract.reference: contract
            for contract in Contract.objects.filter(reference__in=wanted)
        }
        for reference, plan in self.contracts.items():
            parent_reference = plan.parent_reference
            if parent_reference is None:
                parent = None
            elif parent_reference == reference:
                self.errors.append(
                    plan.row.error("a contract cannot be a sub-line of itself.", "parent_reference")
                )
                continue
            elif parent_reference in self.contracts:
                parent = self.contracts[parent_reference].contract
            elif parent_reference in in_register:
                parent = in_register[parent_reference]
            else:
                self.errors.append(
                    plan.row.error(
                        f"there is no contract “{parent_reference}” on the Contracts sheet "
                        "or in the register.",
                        "parent_reference",
                    )
                )
                continue
            if not plan.parent_given:
                continue
            plan.parent = parent
            if not same_target(plan.contract.parent_id, parent):
                plan.changed = True
        for reference, plan in self.contracts.items():
            seen = [reference]
            ancestor = plan.parent_reference
            while ancestor in self.contracts and ancestor not in seen:
                seen.append(ancestor)
                ancestor = self.contracts[ancestor].parent_reference
            if ancestor == reference and len(seen) > 1:
                self.errors.append(
                    plan.row.error(
                        "its parents lead back to itself (" + " → ".join([*seen, reference]) + ").",
                        "parent_reference",
                    )
                )

    # Partners, values, options, outcomes ------------------------------------

    def _child_record(self, child, row, columns):
        """An unsaved record for one child row, checked with full_clean; None if it has errors."""
        values, targets = {}, {}
        for column in columns:
            value = row.values[column.name]
            if column.name in ("reference", "financial_year", *PERIOD_FIELDS):
                continue
            if column.refers_to:
                if value is not None:
                    target = self.lookups[column.refers_to].resolve(value, row, column.name)
                    if target is None:
                        return None
                    targets[column.model_field] = target
                else:
                    targets[column.model_field] = None
            else:
                values[column.model_field] = (
                    default_value(child.model, column.model_field) if value is None else value
                )
        by_year = False
        if child.sheet.column("financial_year"):
            period = self._period(row)
            if period is None:
                return None
            values["start_date"], values["end_date"], by_year = period
        if not row.ok:
            return None
        record = child.model(**values, **targets)
        try:
            record.full_clean(
                exclude=["contract", *targets], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            present = {column.name for column in columns}

            def column_for(field_name):
                if field_name in PERIOD_FIELDS and (by_year or field_name not in present):
                    return "financial_year"
                return field_name

            self.errors.extend(validation_errors(row, error, column_for))
            return None
        return record

    def _period(self, row):
        """(start, end, given_as_a_year) for a Values or Options row; None after an error."""
        if {"financial_year", *PERIOD_FIELDS} & row.failed:
            return None
        year = row.values.get("financial_year")
        start, end = row.values.get("start_date"), row.values.get("end_date")
        if year is not None:
            if (start is not None and start != year.start) or (end is not None and end != year.end):
                self.errors.append(
                    row.error(
                        f"{year} runs from {year.start:%-d %B %Y} to {year.end:%-d %B %Y}, but "
                        "start_date and end_date say otherwise; give a financial_year or dates, "
                        "not both.",
                        "financial_year",
                    )
                )
                return None
            return year.start, year.end, True
        if start is None and end is None:
            self.errors.append(
                row.error(
                    "no period given: write a financial year like 2022/23, or a start_date "
                    "and end_date.",
                    "financial_year",
                )
            )
            return None
        if start is None or end is None:
            missing = "start_date" if start is None else "end_date"
            self.errors.append(
                row.error(
                    f"{missing} is blank: give both start_date and end_date, or a financial_year.",
                    missing,
                )
            )
            return None
        return start, end, False

    def _plan_children(self, child):
        parsed = self.parsed.sheets[child.sheet.name]
        wanted = {reference: [] for reference in self.contracts}
        rows = {}
        for row in parsed.rows:
            reference = row.values.get("reference")
            if reference is None:
                continue
            if reference not in self.contracts:
                self.errors.append(
                    row.error(
                        f"there is no contract “{reference}” on the Contracts sheet.", "reference"
                    )
                )
                continue
            record = self._child_record(child, row, parsed.columns)
            if record is not None:
                wanted[reference].append(record)
                rows[id(record)] = row
        compared = [
            column.model_field
            for column in parsed.columns
            if column.name not in ("reference", "financial_year")
        ]
        if child.sheet.column("financial_year"):
            compared = [name for name in compared if name not in PERIOD_FIELDS] + list(
                PERIOD_FIELDS
            )
        self._check_children(child, wanted, rows)
        changes = self.changes[child.sheet.name]
        for reference, plan in self.contracts.items():
            existing = (
                list(getattr(plan.contract, child.related_name).all()) if plan.contract.pk else []
            )
            plan.children[child.sheet.name] = self._match(
                child, reference, existing, wanted[reference], compared, changes
            )
        if child.model is ContractValue:
            self.wanted_values = wanted

    def _check_children(self, child, wanted, rows):
        """Rules across the rows of one contract: no duplicate partners, no options over values."""
        if child.model is ContractPartner:
            for records in wanted.values():
                seen = {}
                for record in records:
                    key = (id(record.provider), record.area)
                    if key in seen:
                        area = f" in area “{record.area}”" if record.area else ""
                        self.errors.append(
                            rows[id(record)].error(
                                f"{record.provider.name} is already a partner{area} on row "
                                f"{rows[id(seen[key])].number}.",
                                "provider",
                            )
                        )
                    seen[key] = record
        if child.model is ExtensionOption:
            for reference, records in wanted.items():
                plan = self.contracts[reference]
                if VALUES.name in self.parsed.sheets:
                    committed = self.wanted_values[reference]
                else:
                    committed = list(plan.contract.values.all()) if plan.contract.pk else []
                for record in records:
                    if record.status != OptionStatus.AVAILABLE:
                        continue
                    for value in committed:
                        if (
                            value.start_date <= record.end_date
                            and value.end_date >= record.start_date
                        ):
                            self.errors.append(
                                rows[id(record)].error(
                                    "this option's period overlaps the contract's value for "
                                    f"{value.period_label}: an option must extend beyond what "
                                    "is already committed.",
                                    "financial_year" if record.financial_year else "start_date",
                                )
                            )
                            break

    def _match(self, child, reference, existing, wanted, compared, changes):
        """Pair workbook rows with stored rows: equal → kept, same key → updated, else create/delete."""

        def comparable(record, name):
            if child.model._meta.get_field(name).is_relation:
                target_pk = getattr(record, f"{name}_id")
                if target_pk is None:
                    target = getattr(record, name, None) if record.pk is None else None
                    return id(target) if target is not None else None
                lookup = self._lookup_for(child, name)
                return id(lookup.by_pk.get(target_pk))
            return getattr(record, name)

        def signature(record, names):
            return tuple(comparable(record, name) for name in names)

        unmatched = list(existing)
        stored = {id(old): signature(old, compared) for old in existing}
        kept, leftover = [], []
        for record in wanted:
            mine = signature(record, compared)
            match = next((old for old in unmatched if stored[id(old)] == mine), None)
            if match is None:
                leftover.append(record)
            else:
                unmatched.remove(match)
                kept.append(match)
                changes.unchanged.append(child.label(reference, match))
        to_update, to_create = [], []
        for record in leftover:
            key = signature(record, child.key_fields)
            match = next(
                (old for old in unmatched if signature(old, child.key_fields) == key), None
            )
            if match is None:
                to_create.append(record)
                changes.created.append(child.label(reference, record))
                continue
            unmatched.remove(match)
            for name in compared:
                setattr(match, name, getattr(record, name))
            to_update.append(match)
            changes.updated.append(child.label(reference, match))
        for record in unmatched:
            changes.deleted.append(child.label(reference, record))
        return unmatched, to_update, to_create, kept

    def _lookup_for(self, child, field_name):
        column = next(column for column in child.sheet.columns if column.model_field == field_name)
        return self.lookups[column.refers_to]

    # Writing ----------------------------------------------------------------

    def _contracts_in_generations(self):
        """The contracts in groups, each contract's parent (if on the sheet) in an earlier group."""
        depths = {}

        def depth(reference):
            if reference not in depths:
                parent = self.contracts[reference].parent_reference
                depths[reference] = depth(parent) + 1 if parent in self.contracts else 0
            return depths[reference]

        generations = {}
        for reference, plan in self.contracts.items():
            generations.setdefault(depth(reference), []).append(plan)
        return [generations[level] for level in sorted(generations)]

    def write(self, user=None):
        """Write every change in one transaction (call only when there are no errors).

        New rows are inserted in bulk (with their history rows); changed rows are
        saved one by one so each gets its history row and its new version.
        """
        with transaction.atomic():
            for lookup in self.lookups.values():
                for record in lookup.to_save:
                    if record.pk is not None:
                        record.save()
                _create(lookup.model, [r for r in lookup.to_save if r.pk is None], user)
            for generation in self._contracts_in_generations():
                self._write_contracts(generation, user)
            for child in CHILD_SHEETS:
                self._write_children(child, user)

    def _write_contracts(self, plans, user):
        new = []
        for plan in plans:
            contract = plan.contract
            if plan.parent_given and not same_target(contract.parent_id, plan.parent):
                contract.parent = plan.parent
            if contract.pk is None:
                new.append(plan)
            elif plan.changed:
                contract.save()
                for name, records in plan.m2m.items():
                    getattr(contract, name).set(records)
        _create(Contract, [plan.contract for plan in new], user)
        for name in ("cohorts", "co_commissioners"):
            through = getattr(Contract, name).through
            target = getattr(Contract, name).field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [
                    through(contract_id=plan.contract.pk, **{f"{target}_id": record.pk})
                    for plan in new
                    for record in plan.m2m.get(name, [])
                ],
                batch_size=BATCH_SIZE,
            )

    def _write_children(self, child, user):
        to_delete, to_update, to_create = [], [], []
        for plan in self.contracts.values():
            if child.sheet.name not in plan.children:
                continue
            deleted, updated, created, _kept = plan.children[child.sheet.name]
            to_delete.extend(record.pk for record in deleted)
            to_update.extend(updated)
            for record in created:
                record.contract = plan.contract
                to_create.append(record)
        # Deleting first frees any (contract, provider, area) a new partner row reuses.
        if to_delete:
            child.model.objects.filter(pk__in=to_delete).delete()
        for record in to_update:
            record.save()
        _create(child.model, to_create, user)


BATCH_SIZE = 500


def _create(model, records, user):
    """Insert new rows in bulk, with their history rows when the model keeps history."""
    if not records:
        return
    if hasattr(model, "history"):
        bulk_create_with_history(records, model, batch_size=BATCH_SIZE, default_user=user)
    else:
        model.objects.bulk_create(records, batch_size=BATCH_SIZE)


def import_workbook(path, dry_run=False, user=None):
    """Check the workbook at ``path`` and, unless ``dry_run`` or there are errors, write it.

    ``user`` is recorded as the author of the history rows of records created in bulk.
    """
    parsed = read_workbook(path)
    if not parsed.sheets and not parsed.errors:
        parsed.errors.append(WorkbookError("The workbook has none of the register's sheets."))
    plan = RegisterImport(parsed)
    report = ImportReport(
        errors=plan.errors, changes=plan.changes, reinterpretations=parsed.reinterpretations
    )
    if report.errors or dry_run:
        return report
    try:
        # Everything or nothing, whatever goes wrong part-way through the writing.
        with transaction.atomic():
            plan.write(user)
    except (DatabaseError, ValidationError) as error:
        report.errors.append(
            WorkbookError(f"The register refused the import, so nothing was written: {error}")
        )
        return report
    report.written = True
    return report
