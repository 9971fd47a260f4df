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
import csv
import datetime
import io
import os
import random
import sys
from decimal import Decimal

import django

if __name__ == "__main__":  # python -m bench.seed: Django starts before the models are imported
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commissioning.settings")
    django.setup()

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from commissioning.dataversion import moved_once
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
BATCH_SIZE = 5000  # contracts (with their children) per batch of inserts
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


class BulkRows:
    """Rows for one table, written straight to it in one statement per batch: ``COPY`` on
    PostgreSQL, ``executemany`` on SQLite. No model instance is built and no SQL compiled
    per row (``bulk_create`` spent most of the seed's time doing both).

    Each row gives ``fields`` (attribute names, values as the database takes them: dates,
    decimals, numbers, text or None); every other column gets its field's default, computed
    once (``auto_now``/``auto_now_add`` columns: now). The automatic primary key is left to
    the database unless ``fields`` names it.
    """

    def __init__(self, model, fields):
        self.table = model._meta.db_table
        given = [model._meta.get_field(name) for name in fields]
        columns = [field.column for field in given]
        defaults = []
        now = timezone.now()
        for field in model._meta.concrete_fields:
            if field in given or (field.primary_key and "id" not in fields):
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            columns.append(field.column)
            defaults.append(_cell(field.get_db_prep_save(value, connection)))
        self.columns = columns
        self.defaults = tuple(defaults)
        self.rows = []

    def add(self, *values):
        """One row of ``fields``: numbers, text or None as they are; dates and decimals as text
        (``str()``), which both databases read back as the same values."""
        self.rows.append(values + self.defaults)

    def write(self):
        """Insert the rows gathered so far; returns how many."""
        count, rows = len(self.rows), self.rows
        self.rows = []
        if not rows:
            return 0
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                text = io.StringIO()
                # Quoted unless None: an unquoted empty field is NULL, a quoted one is "".
                csv.writer(text, quoting=csv.QUOTE_NOTNULL).writerows(rows)
                text.seek(0)
                cursor.copy_expert(
                    f"COPY {quote(self.table)} ({columns}) FROM STDIN WITH (FORMAT csv)", text
                )
            else:
                placeholders = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({placeholders})", rows
                )
        return count


def _cell(value):
    """A value as both drivers take it (SQLite's has no adapter for dates or decimals)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


CONTRACT_FIELDS = [
    "id",
    "reference",
    "title",
    "category",
    "description",
    "agreement_type",
    "procurement_route",
    "status",
    "status_note",
    "start_date",
    "end_date",
    "parent",
    "lead_provider",
    "lead_commissioner",
    "decision_reference",
    "contract_manager",
    "internal_notes",
]
VALUE_FIELDS = ["contract", "start_date", "end_date", "amount", "funding_stream"]
OPTION_FIELDS = ["contract", "start_date", "end_date", "amount", "status", "decision_due"]
OUTCOME_FIELDS = [
    "contract",
    "kind",
    "order",
    "measure",
    "source",
    "numerator",
    "denominator",
    "value",
    "unit",
    "cohort",
    "text",
    "attribution",
    "consent",
]
PARTNER_FIELDS = ["contract", "provider", "area"]


class SyntheticRegister:
    """Builds synthetic rows deterministically: the same seed gives the same register."""

    def __init__(self, seed=2026):
        self.random = random.Random(seed)
        self.this_year = FinancialYear.current()

    def words(self, low, high):
        """Between ``low`` and ``high`` words of the description's vocabulary, as a sentence: a
        random run of one long random text, so a description costs no random draw per word."""
        if not hasattr(self, "_text"):
            self._text = self.random.choices(WORDS, k=20_000)
        count = self.random.randint(low, high)
        first = self.random.randrange(len(self._text) - count)
        text = " ".join(self._text[first : first + count])
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
        return (
            [category.pk for category in categories],
            [body.pk for body in bodies],
            [stream.pk for stream in streams],
            [cohort.pk for cohort in cohorts],
        )

    def providers(self, wanted):
        """Synthetic providers, topped up to ``wanted``."""
        existing = synthetic(Provider).count()
        kinds = [ProviderKind.CHARITY] * 4 + [ProviderKind.CIC, ProviderKind.COMPANY]
        rows = BulkRows(Provider, ["name", "kind", "charity_number", "email"])
        for number in range(existing + 1, wanted + 1):
            rows.add(
                f"{NAME_PREFIX}{self.random.choice(AREAS)} "
                f"{self.random.choice(ORGANISATIONS)} {number:05d}",
                self.random.choice(kinds),
                str(1_000_000 + number),
                f"contracts{number}@example.org",
            )
        rows.write()
        return list(synthetic(Provider).order_by("pk").values_list("pk", flat=True))

    def contract(self, rows, pk, number, previous, lookups, provider_ids):
        """One contract's row; returns (its dates, its lead provider, its parent)."""
        categories, bodies, _, _ = lookups
        status = self.random.choice(STATUSES)
        first_year = self.this_year - self.random.randint(0, 3)
        years = self.random.randint(1, 5)
        if status in (Status.ENDED, Status.TERMINATED):
            first_year = self.this_year - years - self.random.randint(0, 2)
        elif status in (Status.PLANNED, Status.PROCUREMENT):
            first_year = self.this_year + 1
        start, end = first_year.start, (first_year + (years - 1)).end
        lead_provider = self.random.choice(provider_ids)
        parent = None
        # About one contract in twenty is a sub-line of the one before it, as registers do.
        if previous and previous[2] is None and self.random.random() < 0.05:
            parent, lead_provider = previous[0], previous[1]
        rows.add(
            pk,
            f"{REFERENCE_PREFIX}{number:05d}",
            f"{self.random.choice(SERVICES)} — {self.random.choice(AREAS)} {number}",
            self.random.choice(categories),
            self.words(40, 300),
            self.random.choice(
                [AgreementType.CONTRACT] * 3 + [AgreementType.GRANT, AgreementType.MOU]
            ),
            self.random.choice(ProcurementRoute.values),
            status,
            "Currently at invitation to quote stage." if status == Status.PROCUREMENT else "",
            str(start),
            str(end),
            parent,
            lead_provider,
            bodies[0] if self.random.random() < 0.7 else self.random.choice(bodies),
            f"PCC-D-{number:05d}",
            f"Commissioning officer {number % 17 + 1}",
            "Synthetic row for benchmarks." if number % 3 == 0 else "",
        )
        return (pk, lead_provider, parent), start, end

    def values(self, rows, pk, start_date, end_date, streams):
        """1–5 whole financial years over the contract's dates; one in six is a shorter period."""
        year = FinancialYear.containing(start_date)
        last = FinancialYear.containing(end_date)
        amount = Decimal(self.random.randrange(20_000, 1_500_000, 500))
        while year <= last:
            start, end = year.start, year.end
            if self.random.random() < 1 / 6:
                end = datetime.date(year.start_year, 9, 30)
            rows.add(
                pk,
                str(start),
                str(end),
                str(amount if end == year.end else (amount / 2).quantize(Decimal("0.01"))),
                self.random.choice(streams),
            )
            amount = (amount * Decimal("1.03")).quantize(Decimal("1"))
            year = year.next()

    def options(self, rows, pk, end_date):
        """0–2 one-year extension options after the contract's end."""
        year = FinancialYear.containing(end_date).next()
        for _ in range(self.random.choice([0, 0, 1, 1, 2])):
            rows.add(
                pk,
                str(year.start),
                str(year.end),
                str(self.random.randrange(20_000, 1_000_000, 500)),
                self.random.choice(
                    [OptionStatus.AVAILABLE] * 3 + [OptionStatus.EXERCISED, OptionStatus.DECLINED]
                ),
                str(year.start - datetime.timedelta(days=90)),
            )
            year = year.next()

    def outcomes(self, rows, pk, measure_ids):
        """0–10 outcomes of mixed kinds, most tied to a measure from the library."""
        for order in range(self.random.randint(0, 10)):
            kind = self.random.choice(OUTCOME_KINDS)
            measure = self.random.choice(measure_ids) if measure_ids else None
            numerator = denominator = value = None
            unit = cohort = attribution = consent = ""
            if kind == OutcomeKind.RESULT:
                denominator = self.random.randint(20, 900)
                numerator = self.random.randint(0, denominator)
                value = str((Decimal(numerator) * 100 / denominator).quantize(Decimal("0.1")))
                unit, cohort = Unit.PERCENT, "service users"
                text = f"{value}% of service users felt safer after support"
            elif kind == OutcomeKind.STATISTIC:
                value = str(self.random.randint(10, 5000))
                unit = Unit.COUNT
                text = f"{value} people received the service"
            elif kind == OutcomeKind.TARGET:
                text = "Clients contacted within 5 working days of referral"
            elif kind == OutcomeKind.AIM:
                text = "Reduce repeat victimisation"
            else:
                text = self.words(15, 60)
                attribution, consent = "Service user", "anonymised"
            rows.add(
                pk,
                kind,
                order,
                measure,
                "Synthetic quarterly monitoring return",
                numerator,
                denominator,
                value,
                unit,
                cohort,
                text,
                attribution,
                consent,
            )

    def partners(self, rows, pk, lead_provider, provider_ids):
        """One contract in five has delivery partners covering areas of the county."""
        if self.random.random() >= 0.2:
            return
        others = [
            other
            for other in self.random.sample(provider_ids, min(4, len(provider_ids)))
            if other != lead_provider
        ]
        for provider, area in zip(others[:3], ["North", "West", "South"], strict=False):
            rows.add(pk, provider, area)

    def top_up(self, wanted):
        """Add synthetic contracts until there are ``wanted``; returns how many rows of each kind.

        One transaction. The rows go in by ``BulkRows`` in batches of ``BATCH_SIZE``
        contracts with their children; the data version moves once for the lot
        (``dataversion.moved_once``: on SQLite its row triggers would upsert once per row);
        the new contracts' stored money is written at the end, set-wise (``write_money``).
        """
        with transaction.atomic(), moved_once():
            return self._top_up(wanted)

    def _top_up(self, wanted):
        existing = synthetic_contracts().count()
        if wanted <= existing:
            return {}
        lookups = self.lookups()
        _, bodies, streams, cohorts = lookups
        provider_ids = self.providers(max(wanted // CONTRACTS_PER_PROVIDER, 2))
        measure_ids = list(Measure.objects.values_list("pk", flat=True))
        # Continue numbering after the highest existing reference; keys after the highest key,
        # given here so the children can point at their contract without reading it back.
        last = synthetic_contracts().order_by("-reference").values_list("reference", flat=True)
        first_number = int(last[0].removeprefix(REFERENCE_PREFIX)) + 1 if existing else 1
        first_pk = (Contract.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        tables = {
            "contracts": BulkRows(Contract, CONTRACT_FIELDS),
            "values": BulkRows(ContractValue, VALUE_FIELDS),
            "options": BulkRows(ExtensionOption, OPTION_FIELDS),
            "outcomes": BulkRows(Outcome, OUTCOME_FIELDS),
            "partners": BulkRows(ContractPartner, PARTNER_FIELDS),
        }
        co_commissioners = BulkRows(
            Contract.co_commissioners.through, ["contract", "commissioningbody"]
        )
        contract_cohorts = BulkRows(Contract.cohorts.through, ["contract", "cohort"])
        counts = dict.fromkeys(tables, 0)
        previous = None
        for offset in range(wanted - existing):
            pk, number = first_pk + offset, first_number + offset
            previous, start, end = self.contract(
                tables["contracts"], pk, number, previous, lookups, provider_ids
            )
            self.values(tables["values"], pk, start, end, streams)
            self.options(tables["options"], pk, end)
            self.outcomes(tables["outcomes"], pk, measure_ids)
            self.partners(tables["partners"], pk, previous[1], provider_ids)
            if self.random.random() < 0.25:
                for body in self.random.sample(bodies[1:], self.random.randint(1, 3)):
                    co_commissioners.add(pk, body)
            for cohort in self.random.sample(cohorts, self.random.randint(0, 2)):
                contract_cohorts.add(pk, cohort)
            if (offset + 1) % BATCH_SIZE == 0:
                self._write(tables, counts, co_commissioners, contract_cohorts)
        self._write(tables, counts, co_commissioners, contract_cohorts)
        with connection.cursor() as cursor:
            # The keys given above: PostgreSQL's sequence must start after them (SQLite's does).
            for sql in connection.ops.sequence_reset_sql(no_style(), [Contract]):
                cursor.execute(sql)
        written = [*tables.values(), co_commissioners, contract_cohorts]
        # The providers too: unanalysed, PostgreSQL planned the provider list for 8 rows of
        # 20,000 (one grouped plan took 14 s, bench/results.md, h16l).
        analyse([Provider._meta.db_table, *(rows.table for rows in written)])
        # Inserted in bulk, so no signal wrote their stored money: write it for them at once.
        write_money(Contract.objects.filter(pk__gte=first_pk))
        analyse([ContractMoney._meta.db_table, ContractYearShare._meta.db_table])
        return counts

    def _write(self, tables, counts, *more):
        for name, rows in tables.items():
            counts[name] += rows.write()
        for rows in more:
            rows.write()


def analyse(tables):
    """PostgreSQL: refresh the planner's statistics of tables just filled in bulk, as autovacuum
    would shortly after. Without them it plans for the empty tables it last saw (writing the
    stored money of 20,000 new contracts took a minute instead of a second). SQLite keeps no
    statistics unless asked, and the register is not run with them, so neither is the bench.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")


def unaudited(model):
    """A plain QuerySet over ``model``: no refusal of bulk writes, and so no history of them.

    For synthetic benchmark rows only (see the module's docstring).
    """
    return models.QuerySet(model)


def clear_synthetic():
    """Delete every synthetic row, children before the rows they PROTECT; returns rows deleted.

    One ``DELETE … WHERE contract_id IN (SELECT …)`` per table (``_raw_delete``): Django's
    ``QuerySet.delete()`` would load every row to send its signals, and simple-history would
    write a history row for each of hundreds of thousands of deletions of rows that never had
    one. The tables and their order are listed here, so a new child table of a contract must
    be added here too (the clear test would then fail on its foreign key). One transaction,
    in which the data version moves once (``moved_once``).
    """
    with transaction.atomic(), moved_once():
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
        unaudited(Contract).filter(
            reference__startswith=REFERENCE_PREFIX, parent__isnull=False
        ).update(parent=None)
        deleted += _delete_in_sql(contracts)
        for model in (Provider, FundingStream, CommissioningBody, Category, Cohort):
            deleted += _delete_in_sql(synthetic(model))
        return deleted


def _delete_in_sql(queryset: models.QuerySet) -> int:
    """``DELETE FROM <table> WHERE …`` the queryset's own condition, in one statement (the
    register's engines, SQLite and PostgreSQL, take a subquery on another table in it)."""
    return queryset.order_by()._raw_delete(connection.alias)


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
