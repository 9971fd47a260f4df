"""From any file an office gives (.xlsx, .csv or .docx) to a draft register workbook."""

from django.conf import settings

from .office_layout import draft_from_table, read_table
from .source_files import inspect_source


def make_draft(path, name=None, office=None, remembered=None, as_of=None):
    """The Draft read from the file at ``path``; SourceFileError with a message when it can't be.

    ``office`` names the lead commissioner when the source names none (the
    register's office by default); ``remembered`` maps heading keys to the field
    the person chose before (see HeadingMapping); ``as_of`` is the financial
    year a Word table was written in, from which its per-annum values run.
    """
    office = office or settings.OPCC_NAME
    source = inspect_source(path, name)
    if source.kind == "docx":
        from .word_table import draft_from_docx

        return draft_from_docx(source.path, office, as_of=as_of)
    table, other_sheets = read_table(source)
    return draft_from_table(table, office, remembered, other_sheets)
