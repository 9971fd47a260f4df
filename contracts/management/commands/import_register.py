"""Import a register workbook (.xlsx): check everything first, then write all of it or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contracts.workbook import import_workbook


class Command(BaseCommand):
    help = (
        "Import the register from an .xlsx workbook (see docs/workbook-format.md). Every row is "
        "checked first; on any error nothing is written and every error is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("workbook", help="The .xlsx file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the workbook and show what would change, without writing anything.",
        )

    def handle(self, *args, workbook, dry_run, **options):
        path = Path(workbook)
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        report = import_workbook(path, dry_run=dry_run)
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            count = len(report.errors)
            raise CommandError(
                f"{count} error{'' if count == 1 else 's'} in {path.name}: nothing was imported."
            )
        if report.reinterpretations:
            self.stdout.write(
                f"Read other than as written ({len(report.reinterpretations)}), check these:"
            )
            for item in report.reinterpretations:
                self.stdout.write(f"  {item}")
        for line in report.summary_lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: the workbook is valid; nothing was written.")
        elif report.has_changes:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}."))
        else:
            self.stdout.write(f"{path.name} matches the register: nothing to change.")
