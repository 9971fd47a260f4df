import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publication.documents import PublishedDocuments
from publication.register import published_register
from publication.validation import validate_360giving, validate_ocds


class Command(BaseCommand):
    help = (
        "Validate the open data against the OCDS 1.1.5 and 360Giving 1.4 schemas shipped in "
        "publication/schemas/ (offline). Without arguments, the register's own ocds.json and "
        "360giving.json as /published/ serves them; or give files: --ocds FILE, --360giving FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ocds", help="An OCDS release package file to validate.")
        parser.add_argument("--360giving", dest="giving", help="A 360Giving package file.")

    def _read(self, path):
        try:
            return json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from None

    def handle(self, *args, ocds=None, giving=None, **options):
        if ocds or giving:
            checks = []
            if ocds:
                checks.append((f"OCDS ({ocds})", validate_ocds(self._read(ocds))))
            if giving:
                checks.append((f"360Giving ({giving})", validate_360giving(self._read(giving))))
        else:
            documents = PublishedDocuments(published_register())
            checks = [
                (
                    f"OCDS ({len(documents.register.contracts)} contracts)",
                    validate_ocds(documents.ocds_package()),
                ),
                (
                    f"360Giving ({len(documents.register.grants)} grant{'' if len(documents.register.grants) == 1 else 's'})",
                    validate_360giving(documents.giving_package()),
                ),
            ]
        failed = False
        for label, problems in checks:
            if problems:
                failed = True
                self.stdout.write(self.style.ERROR(f"{label}: {len(problems)} errors"))
                for problem in problems:
                    self.stdout.write(f"  {problem}")
            else:
                self.stdout.write(self.style.SUCCESS(f"{label}: valid, 0 errors"))
        if failed:
            raise CommandError("The open data does not validate.")
