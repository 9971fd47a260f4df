"""What every child sheet of a contract (Partners, Values, Options, Outcomes) shares.

A child sheet's rows are made to match the workbook exactly, contract by
contract: a row equal to a stored one is kept as it is, a row with the same
key (``key_fields``) but other differences updates the stored row in place,
and the rest are created or deleted. Each sheet's own rules — its label in
the report, its checks across one contract's rows, how its period is given —
live in its own module beside this one.
"""

from django.core.exceptions import ValidationError

from ..named_records import default_value, validation_errors
from .bulk import create_in_bulk

PERIOD_FIELDS = ("start_date", "end_date")


class ChildSheet:
    """How one child sheet's rows belong to a contract and are matched to stored rows."""

    sheet = None  # the columns.Sheet
    model = None
    related_name = ""  # the contract's reverse accessor for these rows
    key_fields = ()  # rows with the same key but other differences are updated in place
    skipped_columns = ("reference",)  # columns that are not copied to a model field as they are

    def label(self, reference, record):
        """How the import report names one row."""
        raise NotImplementedError

    def check(self, importer, wanted, rows):
        """Rules across the rows of one contract; ``wanted`` is reference -> records."""

    def compared_fields(self, columns):
        """The fields that must be equal for a stored row to be kept as it is."""
        return [column.model_field for column in columns if column.name not in self.skipped_columns]

    def period(self, importer, row):
        """Field values read from more than one cell, and the column each field's errors go to.

        ``({field: value}, {field: column})``, or None when the cells are wrong (the
        error is already recorded).
        """
        return {}, {}

    # Planning -----------------------------------------------------------------

    def plan(self, importer):
        parsed = importer.parsed.sheets[self.sheet.name]
        wanted = {reference: [] for reference in importer.contracts}
        rows = {}
        for row in parsed.rows:
            reference = row.values.get("reference")
            if reference is None:
                continue
            if reference not in importer.contracts:
                importer.errors.append(
                    row.error(
                        f"there is no contract “{reference}” on the Contracts sheet.", "reference"
                    )
                )
                continue
            record = self._record(importer, row, parsed.columns)
            if record is not None:
                wanted[reference].append(record)
                rows[id(record)] = row
        compared = self.compared_fields(parsed.columns)
        self.check(importer, wanted, rows)
        changes = importer.changes[self.sheet.name]
        # Each relation's lookup, found once for every row compared.
        lookups = {
            name: self._lookup_for(importer, name)
            for name in {*compared, *self.key_fields}
            if self.model._meta.get_field(name).is_relation
        }
        for reference, plan in importer.contracts.items():
            existing = (
                list(getattr(plan.contract, self.related_name).all()) if plan.contract.pk else []
            )
            plan.children[self.sheet.name] = self._match(
                reference, existing, wanted[reference], compared, changes, lookups
            )
        importer.wanted[self.sheet.name] = wanted

    def _record(self, importer, row, columns):
        """An unsaved record for one child row, checked with full_clean; None if it has errors."""
        values, targets = {}, {}
        for column in columns:
            value = row.values[column.name]
            if column.name in self.skipped_columns or column.name in PERIOD_FIELDS:
                continue
            if column.refers_to:
                if value is not None:
                    target = importer.lookups[column.refers_to].resolve(value, row, column.name)
                    if target is None:
                        return None
                    targets[column.model_field] = target
                else:
                    targets[column.model_field] = None
            else:
                values[column.model_field] = (
                    default_value(self.model, column.model_field) if value is None else value
                )
        period = self.period(importer, row)
        if period is None:
            return None
        period_values, period_columns = period
        values.update(period_values)
        if not row.ok:
            return None
        record = self.model(**values, **targets)
        try:
            record.full_clean(
                exclude=["contract", *targets], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            importer.errors.extend(
                validation_errors(row, error, lambda name: period_columns.get(name, name))
            )
            return None
        return record

    def _match(self, reference, existing, wanted, compared, changes, lookups):
        """Pair workbook rows with stored rows: equal → kept, same key → updated, else create/delete."""

        def comparable(record, name):
            lookup = lookups.get(name)
            if lookup is not None:
                target_pk = getattr(record, f"{name}_id")
                if target_pk is None:
                    target = getattr(record, name, None) if record.pk is None else None
                    return id(target) if target is not None else None
                return id(lookup.by_pk.get(target_pk))
            return getattr(record, name)

        def signature(record, names):
            return tuple(comparable(record, name) for name in names)

        if not existing:
            # Nothing stored to pair with (a new contract, an empty register): all created.
            changes.created.extend(self.label(reference, record) for record in wanted)
            return [], [], list(wanted), []
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
                changes.unchanged.append(self.label(reference, match))
        to_update, to_create = [], []
        for record in leftover:
            key = signature(record, self.key_fields)
            match = next((old for old in unmatched if signature(old, self.key_fields) == key), None)
            if match is None:
                to_create.append(record)
                changes.created.append(self.label(reference, record))
                continue
            unmatched.remove(match)
            for name in compared:
                setattr(match, name, getattr(record, name))
            to_update.append(match)
            changes.updated.append(self.label(reference, match))
        for record in unmatched:
            changes.deleted.append(self.label(reference, record))
        return unmatched, to_update, to_create, kept

    def _lookup_for(self, importer, field_name):
        column = next(column for column in self.sheet.columns if column.model_field == field_name)
        return importer.lookups[column.refers_to]

    # Writing ------------------------------------------------------------------

    def write(self, importer, user):
        to_delete, to_update, to_create = [], [], []
        for plan in importer.contracts.values():
            if self.sheet.name not in plan.children:
                continue
            deleted, updated, created, _kept = plan.children[self.sheet.name]
            to_delete.extend(record.pk for record in deleted)
            to_update.extend(updated)
            for record in created:
                record.contract = plan.contract
                to_create.append(record)
        # Deleting first frees any (contract, provider, area) a new partner row reuses.
        if to_delete:
            self.model.objects.filter(pk__in=to_delete).delete()
        for record in to_update:
            record.save()
        create_in_bulk(self.model, to_create, user)
