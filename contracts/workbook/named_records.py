"""Name-keyed sheets (Providers, Commissioners, Categories …) matched to the register by name."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def default_value(model, field_name):
    return model._meta.get_field(field_name).get_default()


def same_target(current_id, wanted):
    """Whether a foreign key holding ``current_id`` already points at ``wanted`` (maybe unsaved)."""
    if wanted is None:
        return current_id is None
    return wanted.pk is not None and wanted.pk == current_id


def validation_errors(row, error, column_for_field):
    """Turn a model ValidationError into WorkbookErrors on the row's columns."""
    errors = []
    for field_name, messages in error.message_dict.items():
        column = "" if field_name == NON_FIELD_ERRORS else column_for_field(field_name)
        errors.extend(row.error(message, column) for message in messages)
    return errors


class NamedRecords:
    """One name-keyed sheet (Providers, Commissioners, Categories …) matched to the register.

    ``strict`` sheets must list every name used elsewhere in the workbook; a name
    missing from a lenient sheet is simply created (or matched in the register).
    """

    def __init__(self, plan, sheet, model, strict):
        self.plan, self.sheet, self.model, self.strict = plan, sheet, model, strict
        self.changes = plan.changes[sheet.name]
        self.existing = {record.name.casefold(): record for record in model.objects.all()}
        self.by_pk = {record.pk: record for record in self.existing.values()}
        self.records = {}  # casefolded name -> the instance the workbook means
        self.rows = {}  # casefolded name -> row number on this sheet
        self.to_save = []

    def read_rows(self, parsed_sheet):
        for row in parsed_sheet.rows:
            name = row.values.get("name")
            if name is None:
                continue
            key = name.casefold()
            if key in self.rows:
                self.plan.errors.append(
                    row.error(
                        f"“{name}” is already on row {self.rows[key]}; each name must appear once.",
                        "name",
                    )
                )
                continue
            self.rows[key] = row.number
            record = self.existing.get(key) or self.model()
            self.records[key] = record
            if row.ok:
                self._fill(record, name, row, parsed_sheet.columns)

    def _fill(self, record, name, row, columns):
        wanted = {"name": name}
        targets = {}
        for column in columns:
            if column.name == "name":
                continue
            value = row.values[column.name]
            if column.refers_to:
                targets[column.model_field] = (
                    None
                    if value is None
                    else self.plan.lookups[column.refers_to].resolve(value, row, column.name)
                )
            else:
                wanted[column.model_field] = (
                    default_value(self.model, column.model_field) if value is None else value
                )
        changed = [field for field, value in wanted.items() if getattr(record, field) != value]
        changed += [
            field
            for field, target in targets.items()
            if not same_target(getattr(record, f"{field}_id"), target)
        ]
        for field_name, value in wanted.items():
            setattr(record, field_name, value)
        for field_name, target in targets.items():
            setattr(record, field_name, target)
        try:
            record.full_clean(
                exclude=list(targets), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self.plan.errors.extend(validation_errors(row, error, lambda field: field))
        if record.pk is None:
            self.changes.created.append(name)
            self.to_save.append(record)
        elif changed:
            self.changes.updated.append(name)
            self.to_save.append(record)
        else:
            self.changes.unchanged.append(name)

    def resolve(self, name, row, column):
        """The record ``name`` means, or None (with an error) when a strict sheet lacks it."""
        key = name.casefold()
        if key in self.records:
            return self.records[key]
        if self.strict:
            self.plan.errors.append(
                row.error(
                    f"“{name}” is not on the {self.sheet.name} sheet; add it there first.",
                    column,
                )
            )
            return None
        record = self.existing.get(key)
        if record is None:
            record = self.model(name=name)
            self.changes.created.append(name)
            self.to_save.append(record)
        self.records[key] = record
        return record

    def name_of(self, pk):
        return self.by_pk[pk] if pk is not None else None
