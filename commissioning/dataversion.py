"""The register's data version: one number that moves with every change to the register's data.

The dashboard's cached figures and the stored PDFs are keyed by it (with
today's date, since statuses and "value this year" follow the calendar), so
reading it must cost nothing however big the register is: it is one row,
``DataVersion``, read by primary key.

It is moved by database triggers, not by Django signals, so it is bumped in
the same transaction as the change itself, whatever made it: a model save or
delete, ``bulk_create``, ``QuerySet.update()``, a raw delete, a many-to-many
``add()``, a fixture load. Every table of the project's own apps has them
(``versioned_tables()``), except history tables (they only ever change
alongside a table that has them) and tables of figures derived from others
(``data_version_ignored = True`` on the model, e.g. the money shares). They
are (re)installed after every ``migrate`` and ``flush`` (``post_migrate``), so a
model added later is covered without anyone remembering to.

- PostgreSQL: one statement-level trigger per table (``AFTER INSERT OR UPDATE
  OR DELETE OR TRUNCATE … FOR EACH STATEMENT``): one bump per statement, however
  many rows it touches.
- SQLite has only row-level triggers: one per table and operation, so a bulk
  insert bumps once per row (an indexed one-row upsert each; seconds at
  hundreds of thousands of rows, nothing at the sizes an edit touches). A bulk load into
  a database of its own (the benchmark's seed) wraps itself in ``moved_once()``: the
  triggers are dropped for it and put back, and the version moves once.

The bump is an upsert: if the row is missing (a flushed test database), it is
made again starting at a random number, so a version seen before a flush is
never handed out again after it. Every writer updates the same row, so
concurrent write transactions queue on its lock for the moment between their
write and their commit; editors of a register are few and their transactions
short.
"""

import contextlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, models

TRIGGER_PREFIX = "data_version_"
FUNCTION_NAME = "commissioning_bump_data_version"


class DataVersionQuerySet(models.QuerySet):
    def current(self):
        """The version now; 0 before anything has been written."""
        return self.filter(pk=1).values_list("number", flat=True).first() or 0


def versioned_models():
    """Every model whose table moves the data version: the project's own apps' models,
    including automatic many-to-many tables, less history and derived tables."""
    base = Path(settings.BASE_DIR).resolve()
    chosen = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or "site-packages" in path.parts:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            if getattr(model, "data_version_ignored", False):
                continue
            if hasattr(model, "instance_type"):  # django-simple-history's Historical… models
                continue
            chosen.append(model)
    return chosen


def versioned_tables():
    return sorted({model._meta.db_table for model in versioned_models()})


def _version_table():
    from commissioning.models import DataVersion

    return DataVersion._meta.db_table


def install_triggers(using="default", **kwargs):
    """Create (or replace) the triggers on every versioned table; safe to run any number of times."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    version_table = _version_table()
    if version_table not in existing:
        return  # migrating an empty database: installed when the table exists
    tables = [table for table in versioned_tables() if table in existing]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {FUNCTION_NAME}() RETURNS trigger AS $$ BEGIN "
                f"{_bump_sql(connection)}; RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            for table in tables:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {quote(TRIGGER_PREFIX + table)} "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION_NAME}()"
                )
        elif connection.vendor == "sqlite":
            bump = _bump_sql(connection)
            for table in tables:
                for operation in ("INSERT", "UPDATE", "DELETE"):
                    name = f"{TRIGGER_PREFIX}{table}_{operation.lower()}"
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {quote(name)} AFTER {operation} "
                        f"ON {quote(table)} BEGIN {bump}; END"
                    )


def _bump_sql(connection):
    """The upsert that moves the version by one (or makes the row, at a random number)."""
    table = connection.ops.quote_name(_version_table())
    first = (
        "floor(random() * 1e12)::bigint"
        if connection.vendor == "postgresql"
        else "abs(random() % 1000000000000)"
    )
    return (
        f"INSERT INTO {table} (id, number) VALUES (1, {first}) "
        f"ON CONFLICT (id) DO UPDATE SET number = {table}.number + 1"
    )


def drop_triggers(using="default"):
    """Remove every data-version trigger (``install_triggers`` puts them back)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in installed_trigger_tables(using):
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS {quote(TRIGGER_PREFIX + table)} ON {quote(table)}"
                )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [TRIGGER_PREFIX + "%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")


@contextlib.contextmanager
def moved_once(using="default"):
    """Inside this block the data version does not move with each write; it moves once, at
    the end. The triggers are dropped and put back, inside the caller's transaction, so a
    failure rolls them back with everything else.

    For bulk loads only (the benchmark's synthetic register: hundreds of thousands of rows,
    each a trigger's upsert on SQLite), into a database nobody else writes to meanwhile: a
    write from another connection during the block would not move the version.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("moved_once() must run inside a transaction (transaction.atomic).")
    drop_triggers(using)
    yield
    install_triggers(using)
    with connection.cursor() as cursor:
        cursor.execute(_bump_sql(connection))


def installed_trigger_tables(using="default"):
    """The tables that have a data-version trigger now (for tests and checks)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE %s",
                [TRIGGER_PREFIX + "%"],
            )
        else:
            cursor.execute(
                "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [TRIGGER_PREFIX + "%"],
            )
        return {row[0] for row in cursor.fetchall()}


def data_version():
    """The register's data version now: one indexed read."""
    from commissioning.models import DataVersion

    return DataVersion.objects.current()


def locked_data_version():
    """The data version now, its row locked until the transaction ends (PostgreSQL), so
    writers that check it before writing take turns."""
    from commissioning.models import DataVersion

    return (
        DataVersion.objects.select_for_update()
        .filter(pk=1)
        .values_list("number", flat=True)
        .first()
        or 0
    )


def register_version():
    """The key for anything computed from the register: its data version and today's date
    (statuses and "value this year" follow the calendar). One read by primary key."""
    from django.utils import timezone

    return f"{timezone.localdate():%Y-%m-%d}:{data_version()}"
