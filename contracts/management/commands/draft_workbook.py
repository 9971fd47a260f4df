"""Turn an office's own register (.xlsx, .csv or Word .docx table) into a draft import workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commissioning.fy import FinancialYear
from contracts.models import HeadingMapping
from contracts.workbook.make_draft import make_draft
from contracts.workbook.source_files import SourceFileError

# (one, many) for each sheet of a draft, for the summary line.
SHEET_WORDS = {
    "Providers": ("provider", "providers"),
    "Commissioners": ("commissioner", "commissioners"),
    "Categories": ("category", "categories"),
    "FundingStreams": ("funding stream", "funding streams"),
    "Contracts": ("contract", "contracts"),
    "Partners": ("partner", "partners"),
    "Values": ("value", "values"),
    "Options": ("option", "options"),
    "Outcomes": ("outcome", "outcomes"),
}


class Command(BaseCommand):
    help = (
        "Read a single-sheet spreadsheet or CSV in an office's own layout, or a Word table like "
        "Cumbria's, and write a draft register workbook to check and then import with "
        "import_register. Rows the reader was unsure of are marked in a check column, with "
        "the source text beside them."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The office's .xlsx, .csv or .docx file.")
        parser.add_argument("draft", help="Where to write the draft workbook (.xlsx).")
        parser.add_argument(
            "--office",
            help="The commissioner to name where the source names none (default: OPCC_NAME).",
        )
        parser.add_argument(
            "--as-of",
            help="The financial year a Word table was written in (e.g. 2023/24): a value per "
            "annum with only an end date runs from this year. Default: this year.",
        )

    def handle(self, *args, source, draft, office, as_of, **options):
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        if not draft.lower().endswith(".xlsx"):
            raise CommandError("The draft is an Excel workbook: give a name ending .xlsx.")
        try:
            year = FinancialYear.parse(as_of) if as_of else None
        except ValueError as error:
            raise CommandError(f"--as-of: {error}") from None
        try:
            result = make_draft(
                path,
                office=office,
                remembered=HeadingMapping.remembered(office),
                as_of=year,
            )
        except SourceFileError as error:
            raise CommandError(f"{path.name}: {error} Nothing was written.") from None
        result.write(draft)
        for heading in result.unrecognised:
            self.stdout.write(f"Heading not recognised, so not read: “{heading}”")
        for line in result.notes:
            self.stdout.write(line)
        counts = ", ".join(
            f"{len(rows)} {SHEET_WORDS[sheet][len(rows) != 1]}"
            for sheet, rows in result.rows.items()
            if rows
        )
        self.stdout.write(f"Read {counts}.")
        flagged = result.flagged()
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {draft}: ")
            + (
                f"{flagged} row{'' if flagged == 1 else 's'} marked to check (column “check”)."
                if flagged
                else "nothing marked to check."
            )
        )
        self.stdout.write(f"Check it, then: python manage.py import_register {draft} --dry-run")
