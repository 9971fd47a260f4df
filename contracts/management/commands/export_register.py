"""Export the register, or a filtered part of it, as a workbook that import_register reads back."""

from django.core.management.base import BaseCommand, CommandError

from contracts.filters import ContractFilter
from contracts.models import Category, Contract, Status
from contracts.workbook import write_workbook
from providers.models import Provider


class Command(BaseCommand):
    help = (
        "Export the register as an .xlsx workbook in the import format (docs/workbook-format.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("workbook", help="The .xlsx file to write.")
        parser.add_argument("--category", help="Only contracts in this category (by name).")
        parser.add_argument(
            "--provider", help="Only contracts this provider leads or partners (by name)."
        )
        parser.add_argument(
            "--status", choices=Status.values, help="Only contracts with this status today."
        )
        parser.add_argument(
            "--financial-year", help="Only contracts active in this financial year, e.g. 2024/25."
        )
        parser.add_argument(
            "--ending-within", type=int, metavar="MONTHS", help="Only contracts ending soon."
        )
        parser.add_argument(
            "--include-archived", action="store_true", help="Include archived contracts."
        )

    def handle(self, *args, workbook, include_archived, **options):
        query = {}
        for option, model in (("category", Category), ("provider", Provider)):
            name = options.get(option)
            if name:
                record = model.objects.filter(name__iexact=name).first()
                if record is None:
                    raise CommandError(f"There is no {option} called “{name}”.")
                query[option] = str(record.pk)
        for option in ("status", "financial_year", "ending_within"):
            if options.get(option) is not None:
                query[option] = str(options[option])
        contracts = None
        if query:
            filters = ContractFilter(query, queryset=Contract.objects.all())
            if not filters.is_valid():
                problems = [message for messages in filters.errors.values() for message in messages]
                raise CommandError(" ".join(problems))
            contracts = filters.qs
        count = write_workbook(workbook, contracts, include_archived=include_archived)
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} contracts to {workbook}."))
