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

One module per kind of sheet, each holding that sheet's rules:

- ``register.py``: the order of the whole import, and the named lists
  (``named_records.py`` one level up matches them by name);
- ``contracts.py``: Contracts rows, their sub-line parents and many-to-many lists;
- ``children.py``: what every child sheet shares (one record per row, matching
  stored rows, writing the difference); ``periods.py``: a financial year or two
  dates, for Values and Options;
- ``partners.py``, ``values.py``, ``options.py``, ``outcomes.py``: each child
  sheet's label in the report and its checks across one contract's rows.
"""

import contextlib
import gc

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from ..reader import WorkbookError, read_workbook
from ..report import ImportReport
from .register import RegisterImport

__all__ = ["RegisterImport", "import_workbook"]


def import_workbook(path, dry_run=False, user=None):
    """Check the workbook at ``path`` and, unless ``dry_run`` or there are errors, write it.

    ``user`` is recorded as the author of the history rows of records created in bulk.
    """
    with _without_cycle_collection():
        return _import_workbook(path, dry_run, user)


@contextlib.contextmanager
def _without_cycle_collection():
    """Python's cycle collector paused for one import, then resumed as it was.

    An import holds every cell of the file and a record per row (tens of thousands of
    objects, none of them garbage until it ends, and freed by reference counting then),
    so the collector's passes over the whole process found nothing to free and cost
    0.1–0.2 s of the 1,000-contract import's CPU (more in a process holding more). The
    import's memory is bounded by the upload limit either way.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_workbook(path, dry_run, user):
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
