"""Backups restore to the same register: dumpdata/loaddata everywhere, pg_dump/pg_restore on PostgreSQL."""

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from contracts.models import Contract

REPOSITORY = Path(__file__).resolve().parents[2]
# The register with its history and the users the history names. Primary keys are
# kept as they are (a backup restores rows, it does not merge them); the roles
# themselves come from the migration.
REGISTER = ["providers", "contracts", "outcomes", "auth.user"]
DUMP_OPTIONS = ["--indent", "1"]


def manage(*arguments, database_url, **kwargs):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )
    assert result.returncode == 0, f"manage.py {arguments[0]}: {result.stderr[-2000:]}"
    return result


def rows(dump):
    return sorted(json.loads(dump), key=lambda row: (row["model"], json.dumps(row, sort_keys=True)))


@pytest.mark.django_db
def test_a_dumpdata_backup_loads_into_an_empty_database_as_the_same_register(tmp_path, editor):
    call_command("load_register", verbosity=0)
    contract = Contract.objects.order_by("reference").first()
    contract.title = "Edited after loading"
    contract._history_user = editor
    contract.save()
    value = contract.values.first()
    if value is not None:
        value.amount += Decimal("0.01")
        value.save()
    backup = tmp_path / "register.json"
    call_command("dumpdata", *REGISTER, *DUMP_OPTIONS, output=str(backup), verbosity=0)

    empty = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    manage("migrate", "--noinput", "-v0", database_url=empty)
    manage("loaddata", str(backup), "-v0", database_url=empty)
    restored = manage("dumpdata", *REGISTER, *DUMP_OPTIONS, database_url=empty).stdout

    original = backup.read_text()
    assert rows(restored) == rows(original)
    assert contract.history.filter(title="Edited after loading", history_user=editor).exists()
    assert '"title": "Edited after loading"' in restored
    assert '"model": "contracts.historicalcontract"' in restored


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the pg_dump round trip runs when DATABASE_URL points at PostgreSQL",
)
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs the PostgreSQL client tools")
def test_pg_dump_and_pg_restore_give_back_the_same_register():
    # Its own committed source database: the test database's rows are never committed.
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"register_backup_source_{os.getpid()}"
    source = f"{server}/{name}"
    admin = f"{server}/postgres"
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    try:
        manage("migrate", "--noinput", "-v0", database_url=source)
        manage("load_register", database_url=source)
        result = subprocess.run(
            ["scripts/pg-backup-restore", source],
            cwd=REPOSITORY,
            env={**os.environ, "PYTHON": sys.executable},
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restored register matches the original" in result.stdout


def test_the_backup_script_refuses_a_database_that_is_not_postgresql():
    result = subprocess.run(
        ["scripts/pg-backup-restore", "sqlite:///tmp/x.sqlite3"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "give a postgres:// URL" in result.stderr
