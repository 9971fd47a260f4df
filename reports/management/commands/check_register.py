"""Run the data-quality checks; exit 1 when any finds something (for an office's monitoring)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from reports.quality import run_checks, total_findings


class Command(BaseCommand):
    help = "Print the register's data-quality findings; exit with status 1 when there are any."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=str, help="Check as on this day (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(
                f"--today must be a date written YYYY-MM-DD, not {today!r}."
            ) from None
        checks = run_checks(day)
        for check in checks:
            self.stdout.write(f"{check.title}: {check.count}")
            for finding in check.findings:
                detail = f" — {finding.detail}" if finding.detail else ""
                self.stdout.write(f"  {finding.label}{detail}  ({finding.url})")
        total = total_findings(checks)
        if total:
            self.stderr.write(f"{total} record(s) to fix.")
            raise SystemExit(1)
        self.stdout.write("Nothing to fix.")
