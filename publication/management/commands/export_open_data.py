from django.core.management.base import BaseCommand, CommandError

from publication.bundle import InvalidOpenData, write_bundle


class Command(BaseCommand):
    help = (
        "Write the published register as a static bundle an office can upload to its own "
        "website: index.html with its stylesheet, the contracts and grants CSVs, the PDF, "
        "ocds.json and 360giving.json. Both JSON files are validated first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to write the files (created if missing).")

    def handle(self, *args, folder, **options):
        try:
            written = write_bundle(folder)
        except InvalidOpenData as error:
            raise CommandError(
                f"The open data does not validate; nothing written.\n{error}"
            ) from None
        except (FileNotFoundError, OSError) as error:
            raise CommandError(str(error)) from None
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {folder}."))
