"""What an import found: every error, or what it changes (or would change) on each sheet."""

from dataclasses import dataclass, field


@dataclass
class SheetChanges:
    """What an import does to the records of one sheet, named so a person can check them."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    deleted: list = field(default_factory=list)

    @property
    def has_changes(self):
        return bool(self.created or self.updated or self.deleted)

    def changes_in_words(self):
        """Only what changes, e.g. ``2 created, 1 deleted``; empty when nothing does."""
        counts = [
            f"{len(records)} {verb}"
            for verb, records in (
                ("created", self.created),
                ("updated", self.updated),
                ("deleted", self.deleted),
            )
            if records
        ]
        return ", ".join(counts)

    def __str__(self):
        counts = [
            f"{len(self.created)} created",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.deleted:
            counts.append(f"{len(self.deleted)} deleted")
        return ", ".join(counts)


@dataclass
class ImportReport:
    """The outcome of an import: every error, or what changed (or would change) per sheet."""

    errors: list = field(default_factory=list)
    changes: dict = field(default_factory=dict)  # sheet name -> SheetChanges
    written: bool = False
    # Cells read other than as written (reader.Reinterpretation), listed so nothing is guessed
    # silently: ``Commissioners row 3, kind: read “local authority” as Local authority``.
    reinterpretations: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def has_changes(self):
        return any(changes.has_changes for changes in self.changes.values())

    def summary_lines(self):
        return [
            f"{sheet}: {changes}"
            for sheet, changes in self.changes.items()
            if changes.has_changes or changes.unchanged
        ]
