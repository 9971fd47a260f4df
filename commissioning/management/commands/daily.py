"""The housekeeping a deployment runs once a day (a systemd timer or cron job)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Each is a management command of its own, so it can also be run alone.
DAILY_COMMANDS = [
    "remove_stale_uploads",  # previewed workbooks nobody confirmed
    "prune_db_task_results",  # finished background tasks
]


class Command(BaseCommand):
    help = "Run the daily housekeeping: " + ", ".join(DAILY_COMMANDS) + "."

    def handle(self, *args, **options):
        for name in DAILY_COMMANDS:
            self.stdout.write(f"{name}:")
            call_command(name, stdout=self.stdout, stderr=self.stderr)
