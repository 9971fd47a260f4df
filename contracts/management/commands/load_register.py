"""Load the register shipped in fixtures/ into an empty database.

Safe to run on every start: when the database already holds any contract,
provider, body, funding stream, category or cohort it loads nothing, so edits
made since are never overwritten and nothing is duplicated. (The fixture's rows
carry primary keys: loading it beside rows typed in by hand would replace them.)
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from contracts.models import (
    Category,
    Cohort,
    CommissioningBody,
    Contract,
    FundingStream,
    write_money,
)
from providers.models import Provider

REGISTER_MODELS = [Contract, Provider, CommissioningBody, FundingStream, Category, Cohort]

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "cumbria_register.json"


class Command(BaseCommand):
    help = "Load the real register from fixtures/ if the database holds no contracts yet."

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", default=str(DEFAULT_FIXTURE))

    def handle(self, *args, fixture, **options):
        existing = Contract.objects.count()
        if existing:
            self.stdout.write(f"The register already holds {existing} contracts: nothing loaded.")
            return
        started = [model for model in REGISTER_MODELS if model.objects.exists()]
        if started:
            names = ", ".join(str(model._meta.verbose_name_plural) for model in started)
            self.stdout.write(f"The register already holds {names}: nothing loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", fixture, verbosity=0)
            # A fixture holds values, not the money stored from them (raw loads send no
            # edits): write it for the whole register.
            write_money()
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {Contract.objects.count()} contracts from {fixture}.")
        )
