"""Delete uploaded workbooks that were previewed but never confirmed (run daily)."""

from django.core.management.base import BaseCommand

from contracts.workbook.views import STALE_UPLOAD_SECONDS, remove_stale_uploads


class Command(BaseCommand):
    help = (
        "Delete workbooks waiting in MEDIA_ROOT/imports/ for longer than a day: previews "
        "nobody confirmed. `manage.py daily` runs this."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=STALE_UPLOAD_SECONDS / 3600,
            help="Age in hours past which an upload is removed (default 24).",
        )

    def handle(self, *args, older_than_hours, **options):
        removed = remove_stale_uploads(older_than=older_than_hours * 3600)
        self.stdout.write(f"Removed {removed} stale upload{'' if removed == 1 else 's'}.")
