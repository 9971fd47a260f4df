"""The Contracts sheet: each row creates or updates one contract, found by its reference."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from contracts.models import Contract

from ..columns import CONTRACTS, PARTNERS, CellType
from ..named_records import default_value, same_target, validation_errors
from .bulk import BATCH_SIZE, create_in_bulk

# Checked when the import is written, once the records they point at exist.
RELATIONS = (
    "category",
    "lead_provider",
    "lead_commissioner",
    "parent",
    "cohorts",
    "co_commissioners",
)
MANY_TO_MANY = ("cohorts", "co_commissioners")


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


class ContractsSheet:
    """Plans the Contracts sheet into ``importer.contracts`` (reference -> ContractPlan)."""

    sheet = CONTRACTS

    def plan(self, importer, child_sheets):
        parsed = importer.parsed.sheets.get(CONTRACTS.name)
        if parsed is None:
            return
        references = [
            row.values.get("reference") for row in parsed.rows if row.values.get("reference")
        ]
        prefetch = [*MANY_TO_MANY] + [
            child.related_name
            for child in child_sheets
            if child.sheet.name in importer.parsed.sheets
        ]
        if PARTNERS.name in importer.parsed.sheets:
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
            if reference in importer.contracts:
                importer.errors.append(
                    row.error(
                        f"“{reference}” is already on row "
                        f"{importer.contracts[reference].row.number}; "
                        "each contract reference must appear once.",
                        "reference",
                    )
                )
                continue
            plan = ContractPlan(row, existing.get(reference) or Contract(reference=reference))
            importer.contracts[reference] = plan
            self._fill(importer, plan, parsed.columns)
        self._resolve_parents(importer)
        changes = importer.changes[CONTRACTS.name]
        for reference, plan in importer.contracts.items():
            if plan.contract.pk is None:
                changes.created.append(reference)
            elif plan.changed:
                changes.updated.append(reference)
            else:
                changes.unchanged.append(reference)

    def _fill(self, importer, plan, columns):
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
                lookup = importer.lookups[column.refers_to]
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
                target = importer.lookups[column.refers_to].resolve(value, row, column.name)
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
                exclude=list(RELATIONS), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            importer.errors.extend(validation_errors(row, error, lambda field: field))

    def _resolve_parents(self, importer):
        contracts = importer.contracts
        wanted = {
            plan.parent_reference
            for plan in contracts.values()
            if plan.parent_reference and plan.parent_reference not in contracts
        }
        in_register = {
            contract.reference: contract
            for contract in Contract.objects.filter(reference__in=wanted)
        }
        for reference, plan in contracts.items():
            parent_reference = plan.parent_reference
            if parent_reference is None:
                parent = None
            elif parent_reference == reference:
                importer.errors.append(
                    plan.row.error("a contract cannot be a sub-line of itself.", "parent_reference")
                )
                continue
            elif parent_reference in contracts:
                parent = contracts[parent_reference].contract
            elif parent_reference in in_register:
                parent = in_register[parent_reference]
            else:
                importer.errors.append(
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
        for reference, plan in contracts.items():
            seen = [reference]
            ancestor = plan.parent_reference
            while ancestor in contracts and ancestor not in seen:
                seen.append(ancestor)
                ancestor = contracts[ancestor].parent_reference
            if ancestor == reference and len(seen) > 1:
                importer.errors.append(
                    plan.row.error(
                        "its parents lead back to itself (" + " → ".join([*seen, reference]) + ").",
                        "parent_reference",
                    )
                )

    # Writing ----------------------------------------------------------------

    def write(self, importer, user):
        for generation in self._generations(importer.contracts):
            self._write_generation(generation, user)

    @staticmethod
    def _generations(contracts):
        """The contracts in groups, each contract's parent (if on the sheet) in an earlier group."""
        depths = {}

        def depth(reference):
            if reference not in depths:
                parent = contracts[reference].parent_reference
                depths[reference] = depth(parent) + 1 if parent in contracts else 0
            return depths[reference]

        generations = {}
        for reference, plan in contracts.items():
            generations.setdefault(depth(reference), []).append(plan)
        return [generations[level] for level in sorted(generations)]

    @staticmethod
    def _write_generation(plans, user):
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
        create_in_bulk(Contract, [plan.contract for plan in new], user)
        for name in MANY_TO_MANY:
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
