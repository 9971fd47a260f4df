"""The register as an .xlsx workbook: the format, the import and the export.

``import_workbook(path, dry_run=False) -> ImportReport`` and
``write_workbook(path, contracts=None)`` are what the management commands,
the admin upload pages and the benchmarks call.
"""

from .plan import import_workbook
from .reader import WorkbookError
from .report import ImportReport
from .writer import write_template, write_workbook

__all__ = ["ImportReport", "WorkbookError", "import_workbook", "write_template", "write_workbook"]
