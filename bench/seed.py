"""Fill the configured database with a large synthetic register, for benchmarks.

``python -m bench.seed --contracts N`` tops it up to N contracts, ``--clear``
removes it; ``make bench`` calls ``top_up()`` and ``clear_synthetic()`` directly.

Everything it makes is marked synthetic so it can never be mistaken for, or
mixed up with, the real register: contract references start ``SYN-`` and every
provider, commissioning body, funding stream, category and cohort it creates is
named ``Synthetic …``. ``--clear`` deletes exactly those rows and nothing else.

Rows are written with ``bulk_create`` in batches, so 10,000 contracts take
seconds. ``bulk_create`` sends no signals, so django-simple-history records no
history for synthetic rows: that is deliberate (history of made-up data is
noise, and writing it would triple the time).

This module is the one named exception to "never bulk-write an audited model"
(``commissioning/audited.py``): the audited models' own querysets refuse
``update()`` and ``bulk_update()``, so the few bulk writes here go through
``unaudited()``, a plain ``QuerySet`` built on purpose, and the clear deletes
with plain SQL on the tables it filled.

``--contracts N`` tops the synthetic register up to N contracts: running it
with 100 and then 10,000 adds 9,900, which is how ``make bench`` grows one
database through its sizes. Providers grow with it, about one for every five
contracts, so most providers hold several contracts.
"""

import argparse
import datetime
import itertools
import os
import random
import sys
from decimal import Decimal

import django

if __name__ == "__main__":  # python -m bench.seed: Django starts before the models are imported
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    django.setup()

from django.db import connection, models, transaction
from django.utils import timezone

from commissioning.fy import FinancialYear
from contracts.models import (
    AgreementType,
    BodyKind,
    Category,
    Cohort,
    CommissioningBody,
    Contract,
    ContractMoney,
    ContractPartner,
    ContractValue,
    ContractYearShare,
    ExtensionOption,
    FundingStream,
    OptionStatus,
    ProcurementRoute,
    Status,
    write_money,
)
from outcomes.models import Measure, Outcome, OutcomeKind, Unit
from providers.models import Provider, ProviderKind

REFERENCE_PREFIX = "SYN-"
NAME_PREFIX = "Synthetic "
BATCH_SIZE = 1000
DELETE_BATCH = 500
CONTRACTS_PER_PROVIDER = 5

CATEGORIES = [
    "Victim services",
    "Domestic abuse",
    "Sexual violence",
    "Reducing reoffending",
    "Children and young people",
    "Serious violence",
    "Substance misuse",
    "Community safety",
]
BODIES = [
    ("Police and Crime Commissioner", BodyKind.PCC),
    ("County Council", BodyKind.COUNTY_COUNCIL),
    ("City Council", BodyKind.CITY_COUNCIL),
    ("District Council", BodyKind.DISTRICT_COUNCIL),
    ("Integrated Care Board", BodyKind.NHS),
    ("NHS England", BodyKind.NHS),
    ("Ministry of Justice", BodyKind.GOVERNMENT),
    ("Home Office", BodyKind.GOVERNMENT),
]
FUNDING_STREAMS = [
    "PCC core budget",
    "MoJ victims grant",
    "Serious Violence Duty",
    "Safer Streets Fund",
    "Domestic abuse perpetrator fund",
    "County council funding",
    "Violence Reduction Unit",
]
COHORTS = [
    "Victims of domestic abuse",
    "Victims of sexual violence",
    "Perpetrators",
    "Young people",
    "Women",
    "Families",
    "Older people",
]
SERVICES = [
    "Independent domestic violence advisers",
    "Independent sexual violence advisers",
    "Victim support hub",
    "Women's centre outreach",
    "Restorative justice service",
    "Perpetrator behaviour programme",
    "Youth diversion scheme",
    "Drug and alcohol referral",
    "Child exploitation support",
    "Stalking advocacy",
    "Hate crime reporting centre",
    "Therapeutic counselling",
    "Mental health triage",
    "Night-time economy patrols",
    "Modern slavery support",
]
AREAS = ["North", "South", "East", "West", "Central", "Coastal", "Rural", "City"]
ORGANISATIONS = [
    "Women's Aid",
    "Victim Support",
    "Rape Crisis",
    "Youth Trust",
    "Recovery Partnership",
    "Safer Futures",
    "Families First",
    "Mediation Service",
    "Community Foundation",
    "Advocacy Network",
]
DESCRIPTION_TEXT = (
    "the service offers confidential support to victims and survivors across the county "
    "through trained advocates who help with safety planning risk assessment and access to "
    "housing health and the criminal justice process referrals come from the police partner "
    "agencies and self referral and clients are contacted within five working days the "
    "provider works with multi agency risk assessment conferences and specialist courts to "
    "reduce repeat victimisation and to build resilience and recovery for adults children "
    "and families affected by crime"
)
WORDS = DESCRIPTION_TEXT.split()
OUTCOME_KINDS = [
    OutcomeKind.RESULT,
    OutcomeKind.RESULT,
    OutcomeKind.STATISTIC,
    OutcomeKind.STATISTIC,
    OutcomeKind.TARGET,
    OutcomeKind.AIM,
    OutcomeKind.TESTIMONIAL,
    OutcomeKind.CASE_STUDY,
    OutcomeKind.AWARD,
]
STATUSES = [Status.LIVE] * 12 + [
    Status.EXTENDED,
    Status.EXTENDED,
    Status.ENDED,
    Status.ENDED,
    Status.PLANNED,
    Status.PROCUREMENT,
    Status.TERMINATED,
]


def synthetic_contracts():
    return Contract.objects.filter(reference__startswith=REFERENCE_PREFIX)


def synthetic(model, field="name"):
    return model.objects.filter(**{f"{field}__startswith": NAME_PREFIX})


class SyntheticRegister:
    """Builds synthetic rows deterministically: the same seed gives the same register."""

    def __init__(self, seed=2026):
        self.random = random.Random(seed)
        self.this_year = FinancialYear.current()

    def words(self, low, high):
        count = self.random.randint(low, high)
        text = " ".join(self.random.choices(WORDS, k=count))
        return text[:1].upper() + text[1:] + "."

    def lookups(self):
        """The shared rows contracts point at, created once and reused on every top-up."""
        categories = [
            Category.objects.get_or_create(
                name=f"{NAME_PREFIX}{name.lower()}", defaults={"order": 100 + index}
            )[0]
            for index, name in enumerate(CATEGORIES)
        ]
        bodies = [
            CommissioningBody.objects.get_or_create(
                name=f"{NAME_PREFIX}{name}", defaults={"kind": kind}
            )[0]
            for name, kind in BODIES
        ]
        streams = [
            FundingStream.objects.get_or_create(
                name=f"{NAME_PREFIX}{name}",
                defaults={"provided_by": bodies[index % len(bodies)]},
            )[0]
            for index, name in enumerate(FUNDING_STREAMS)
        ]
        cohorts = [
            Cohort.objects.get_or_create(name=f"{NAME_PREFIX}{name.lower()}")[0] for name in COHORTS
        ]
        return categories, bodies, streams, cohorts

    def providers(self, wanted):
        """Synthetic providers, topped up to ``wanted``."""
        existing = synthetic(Provider).count()
        kinds = [ProviderKind.CHARITY] * 4 + [ProviderKind.CIC, ProviderKind.COMPANY]
        Provider.objects.bulk_create(
            (
                Provider(
                    name=f"{NAME_PREFIX}{self.random.choice(AREAS)} "
                    f"{self.random.choice(ORGANISATIONS)} {number:05d}",
                    kind=self.random.choice(kinds),
                    charity_number=str(1_000_000 + number),
                    email=f"contracts{number}@example.org",
                )
                for number in range(existing + 1, wanted + 1)
            ),
            batch_size=BATCH_SIZE,
        )
        return list(synthetic(Provider).order_by("pk").values_list("pk", flat=True))

    def contract(self, number, categories, bodies, provider_ids):
        status = self.random.choice(STATUSES)
        first_year = self.this_year - self.random.randint(0, 3)
        years = self.random.randint(1, 5)
        if status in (Status.ENDED, Status.TERMINATED):
            first_year = self.this_year - years - self.random.randint(0, 2)
        elif status in (Status.PLANNED, Status.PROCUREMENT):
            first_year = self.this_year + 1
        start = first_year.start
        end = (first_year + (years - 1)).end
        return Contract(
            reference=f"{REFERENCE_PREFIX}{number:05d}",
            title=f"{self.random.choice(SERVICES)} — {self.random.choice(AREAS)} {number}",
            category=self.random.choice(categories),
            description=self.words(40, 300),
            agreement_type=self.random.choice(
                [AgreementType.CONTRACT] * 3 + [AgreementType.GRANT, AgreementType.MOU]
            ),
            procurement_route=self.random.choice(ProcurementRoute.values),
            status=status,
            status_note="Currently at invitation to quote stage."
            if status == Status.PROCUREMENT
            else "",
            start_date=start,
            end_date=end,
            lead_provider_id=self.random.choice(provider_ids),
            lead_commissioner=bodies[0]
            if self.random.random() < 0.7
            else self.random.choice(bodies),
            decision_reference=f"PCC-D-{number:05d}",
            contract_manager=f"Commissioning officer {number % 17 + 1}",
            internal_notes="Synthetic row for benchmarks." if number % 3 == 0 else "",
        )

    def values(self, contract, streams):
        """1–5 whole financial years over the contract's dates; one in six is a shorter period."""
        year = FinancialYear.containing(contract.start_date)
        last = FinancialYear.containing(contract.end_date)
        amount = Decimal(self.random.randrange(20_000, 1_500_000, 500))
        rows = []
        while year <= last:
            start, end = year.start, year.end
            if self.random.random() < 1 / 6:
                end = datetime.date(year.start_year, 9, 30)
            rows.append(
                ContractValue(
                    contract=contract,
                    start_date=start,
                    end_date=end,
                    amount=amount if end == year.end else (amount / 2).quantize(Decimal("0.01")),
                    funding_stream=self.random.choice(streams),
                )
            )
            amount = (amount * Decimal("1.03")).quantize(Decimal("1"))
            year = year.next()
        return rows

    def options(self, contract):
        """0–2 one-year extension options after the contract's end."""
        rows = []
        year = FinancialYear.containing(contract.end_date).next()
        for _ in range(self.random.choice([0, 0, 1, 1, 2])):
            rows.append(
                ExtensionOption(
                    contract=contract,
                    start_date=year.start,
                    end_date=year.end,
                    amount=Decimal(self.random.randrange(20_000, 1_000_000, 500)),
                    status=self.random.choice(
                        [OptionStatus.AVAILABLE] * 3
                        + [OptionStatus.EXERCISED, OptionStatus.DECLINED]
                    ),
                    decision_due=year.start - datetime.timedelta(days=90),
                )
            )
            year = year.next()
        return rows

    def outcomes(self, contract, measure_ids):
        """0–10 outcomes of mixed kinds, most tied to a measure from the library."""
        rows = []
        for order in range(self.random.randint(0, 10)):
            kind = self.random.choice(OUTCOME_KINDS)
            outcome = Outcome(
                contract=contract,
                kind=kind,
                order=order,
                measure_id=self.random.choice(measure_ids) if measure_ids else None,
                source="Synthetic quarterly monitoring return",
            )
            if kind == OutcomeKind.RESULT:
                denominator = self.random.randint(20, 900)
                numerator = self.random.randint(0, denominator)
                outcome.numerator, outcome.denominator = numerator, denominator
                outcome.value = (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.1"))
                outcome.unit = Unit.PERCENT
                outcome.cohort = "service users"
                outcome.text = f"{outcome.value}% of service users felt safer after support"
            elif kind == OutcomeKind.STATISTIC:
                outcome.value = Decimal(self.random.randint(10, 5000))
                outcome.unit = Unit.COUNT
                outcome.text = f"{outcome.value} people received the service"
            elif kind == OutcomeKind.TARGET:
                outcome.text = "Clients contacted within 5 working days of referral"
            elif kind == OutcomeKind.AIM:
                outcome.text = "Reduce repeat victimisation"
            else:
                outcome.text = self.words(15, 60)
                outcome.attribution = "Service user"
                outcome.consent = "anonymised"
            rows.append(outcome)
        return rows

    @transaction.atomic
    def top_up(self, wanted):
        """Add synthetic contracts until there are ``wanted``; returns how many rows of each kind."""
        existing = synthetic_contracts().count()
        if wanted <= existing:
            return {}
        categories, bodies, streams, cohorts = self.lookups()
        provider_ids = self.providers(max(wanted // CONTRACTS_PER_PROVIDER, 2))
        measure_ids = list(Measure.objects.values_list("pk", flat=True))
        # Continue numbering after the highest existing reference.
        last = synthetic_contracts().order_by("-reference").values_list("reference", flat=True)
        first_number = int(last[0].removeprefix(REFERENCE_PREFIX)) + 1 if existing else 1
        counts = dict.fromkeys(["contracts", "values", "options", "outcomes", "partners"], 0)
        numbers = range(first_number, first_number + wanted - existing)
        for offset in range(0, len(numbers), BATCH_SIZE):
            batch = numbers[offset : offset + BATCH_SIZE]
            contracts = Contract.objects.bulk_create(
                [self.contract(number, categories, bodies, provider_ids) for number in batch]
            )
            self.sub_lines(contracts)
            values, options, outcomes, partners = [], [], [], []
            co_commissioners, contract_cohorts = [], []
            for contract in contracts:
                values += self.values(contract, streams)
                options += self.options(contract)
                outcomes += self.outcomes(contract, measure_ids)
                partners += self.partners(contract, provider_ids)
                if self.random.random() < 0.25:
                    co_commissioners += [
                        Contract.co_commissioners.through(
                            contract_id=contract.pk, commissioningbody_id=body.pk
                        )
                        for body in self.random.sample(bodies[1:], self.random.randint(1, 3))
                    ]
                contract_cohorts += [
                    Contract.cohorts.through(contract_id=contract.pk, cohort_id=cohort.pk)
                    for cohort in self.random.sample(cohorts, self.random.randint(0, 2))
                ]
            ContractValue.objects.bulk_create(values, batch_size=BATCH_SIZE)
            ExtensionOption.objects.bulk_create(options, batch_size=BATCH_SIZE)
            Outcome.objects.bulk_create(outcomes, batch_size=BATCH_SIZE)
            ContractPartner.objects.bulk_create(partners, batch_size=BATCH_SIZE)
            Contract.co_commissioners.through.objects.bulk_create(
                co_commissioners, batch_size=BATCH_SIZE
            )
            Contract.cohorts.through.objects.bulk_create(contract_cohorts, batch_size=BATCH_SIZE)
            for name, rows in [
                ("contracts", contracts),
                ("values", values),
                ("options", options),
                ("outcomes", outcomes),
                ("partners", partners),
            ]:
                counts[name] += len(rows)
        # Inserted in bulk, so no signal wrote their stored money: write it for all at once.
        write_money()
        return counts

    def sub_lines(self, contracts):
        """Make about one contract in twenty a sub-line of the one before it, as registers do."""
        children = []
        for previous, contract in itertools.pairwise(contracts):
            if self.random.random() < 0.05 and previous.parent_id is None:
                contract.parent_id = previous.pk
                contract.lead_provider_id = previous.lead_provider_id
                children.append(contract)
        unaudited(Contract).bulk_update(children, ["parent", "lead_provider"])

    def partners(self, contract, provider_ids):
        """One contract in five has delivery partners covering areas of the county."""
        if self.random.random() >= 0.2:
            return []
        others = [
            pk
            for pk in self.random.sample(provider_ids, min(4, len(provider_ids)))
            if pk != contract.lead_provider_id
        ]
        return [
            ContractPartner(contract=contract, provider_id=pk, area=area)
            for pk, area in zip(others[:3], ["North", "West", "South"], strict=False)
        ]


def unaudited(model):
    """A plain QuerySet over ``model``: no refusal of bulk writes, and so no history of them.

    For synthetic benchmark rows only (see the module's docstring).
    """
    return models.QuerySet(model)


@transaction.atomic
def clear_synthetic():
    """Delete every synthetic row, children before the rows they PROTECT; returns rows deleted.

    One ``DELETE … WHERE pk IN (subquery)`` per table, in plain SQL: Django's
    ``QuerySet.delete()`` would load every row to send its signals, and
    simple-history would write a history row for each of hundreds of thousands
    of deletions of rows that never had one. The tables and their order are
    listed here, so a new child table of a contract must be added here too
    (the clear test would then fail on its foreign key).
    """
    contracts = synthetic_contracts()
    steps = [
        Outcome.objects.filter(contract__in=contracts),
        ContractValue.objects.filter(contract__in=contracts),
        ExtensionOption.objects.filter(contract__in=contracts),
        ContractPartner.objects.filter(contract__in=contracts),
        Contract.co_commissioners.through.objects.filter(contract__in=contracts),
        Contract.cohorts.through.objects.filter(contract__in=contracts),
        ContractYearShare.objects.filter(contract__in=contracts),
        ContractMoney.objects.filter(contract__in=contracts),
    ]
    deleted = sum(_delete_in_sql(rows) for rows in steps)
    unaudited(Contract).filter(reference__startswith=REFERENCE_PREFIX, parent__isnull=False).update(
        parent=None
    )
    deleted += _delete_in_sql(contracts)
    for model in (Provider, FundingStream, CommissioningBody, Category, Cohort):
        deleted += _delete_in_sql(synthetic(model))
    return deleted


def _delete_in_sql(queryset: models.QuerySet) -> int:
    """``DELETE FROM <table> WHERE <pk> IN (<the queryset's primary keys>)``: rows deleted."""
    model = queryset.model
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    # Materialised first: MySQL-style engines refuse a subquery on the table being deleted from,
    # and SQLite limits the number of parameters, so go in batches.
    keys = list(queryset.values_list("pk", flat=True))
    deleted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start : start + DELETE_BATCH]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({placeholders})", batch)
            deleted += cursor.rowcount
    return deleted


def top_up(contracts, seed=2026):
    """Top the synthetic register up to ``contracts``; returns what was said about it."""
    if contracts < 1:
        raise ValueError("--contracts must be at least 1.")
    started = timezone.now()
    counts = SyntheticRegister(seed).top_up(contracts)
    seconds = (timezone.now() - started).total_seconds()
    if not counts:
        return f"The synthetic register already holds {contracts:,} or more."
    made = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    return f"Added {made} in {seconds:.1f} s (synthetic)."


def clear():
    """Remove the synthetic register; returns what was said about it."""
    started = timezone.now()
    deleted = clear_synthetic()
    seconds = (timezone.now() - started).total_seconds()
    return f"Removed {deleted:,} synthetic rows in {seconds:.1f} s."


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed",
        description="Top the synthetic register up to N contracts (--contracts N), or remove it "
        "(--clear), in the database DATABASE_URL names.",
    )
    parser.add_argument("--contracts", type=int, help="How many synthetic contracts to hold.")
    parser.add_argument(
        "--clear", action="store_true", help="Delete every synthetic row (first, if with N)."
    )
    parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
    options = parser.parse_args(argv)
    if options.contracts is None and not options.clear:
        parser.error("say how many contracts (--contracts 10000) or --clear.")
    if options.contracts is not None and options.contracts < 1:
        parser.error("--contracts must be at least 1.")
    if options.clear:
        print(clear())
    if options.contracts is not None:
        print(top_up(options.contracts, options.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
