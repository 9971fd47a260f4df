"""Email each owner (or the administrators) about decisions falling due: one digest each."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from contracts.alerts import send_alerts


def iso_day(raw):
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--today must be a date written YYYY-MM-DD, not {raw!r}.") from None


class Command(BaseCommand):
    help = (
        "Email owners (or administrators) about contract ends and option decisions at the "
        "ALERT_LEAD_TIMES lead times and when overdue; each alert is sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=str, help="Run as on this day (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        day = iso_day(today) if today else timezone.localdate()
        digests = send_alerts(day, dry_run=dry_run)
        for digest in digests:
            if dry_run:
                message = digest.message(day)
                self.stdout.write(f"To: {', '.join(message.to)}\nSubject: {message.subject}\n")
                self.stdout.write(message.body)
                self.stdout.write("-" * 72)
            else:
                self.stdout.write(f"Sent {len(digest.alerts)} alert(s) to {digest.user.email}.")
        alerts = sum(len(digest.alerts) for digest in digests)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{verb} {len(digests)} email(s) with {alerts} alert(s) for {day:%Y-%m-%d}."
        )
