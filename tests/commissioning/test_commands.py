"""The two commands a newcomer runs: ensure_login and load_register."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from contracts.models import Contract, ContractValue
from providers.models import Provider
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    return output.split("password", 1)[1].split()[0]


# ensure_login ------------------------------------------------------------------


def test_ensure_login_creates_a_superuser_and_prints_a_generated_password(settings):
    settings.LOCAL_ADMIN_USERNAME = "admin"
    settings.LOCAL_ADMIN_PASSWORD = ""
    output = run("ensure_login")
    password = printed_password(output)
    assert "username admin" in output
    assert len(password) >= 12
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser and user.is_staff


def test_ensure_login_generates_a_different_password_each_time(settings):
    settings.LOCAL_ADMIN_PASSWORD = ""
    settings.LOCAL_ADMIN_USERNAME = "first"
    first = printed_password(run("ensure_login"))
    settings.LOCAL_ADMIN_USERNAME = "second"
    second = printed_password(run("ensure_login"))
    assert first != second


def test_ensure_login_uses_the_password_from_the_environment(settings):
    settings.LOCAL_ADMIN_USERNAME = "officer"
    settings.LOCAL_ADMIN_PASSWORD = "a-long-password-from-the-environment"
    run("ensure_login")
    assert authenticate(username="officer", password="a-long-password-from-the-environment")


def test_ensure_login_never_resets_an_existing_users_password(settings):
    settings.LOCAL_ADMIN_USERNAME = "admin"
    settings.LOCAL_ADMIN_PASSWORD = ""
    get_user_model().objects.create_user(username="admin", password="chosen-by-the-user-123")
    output = run("ensure_login")
    assert "already exists" in output
    assert "chosen-by-the-user-123" not in output
    assert authenticate(username="admin", password="chosen-by-the-user-123")
    assert get_user_model().objects.count() == 1


# load_register --------------------------------------------------------------------


@pytest.fixture
def measure_library():
    """The measures migrate seeds, which the fixture's outcomes refer to by name.

    Seeded again here because a browser test's live server flushes the test
    database, migration data included, when it runs earlier on the same worker.
    """
    migration = importlib.import_module("outcomes.migrations.0002_measure_library")
    migration.add_measures(apps, None)


def test_load_register_loads_the_fixture_once_and_never_duplicates_it(measure_library):
    output = run("load_register")
    contracts = Contract.objects.count()
    values = ContractValue.objects.count()
    assert contracts > 0
    assert f"Loaded {contracts} contracts" in output
    again = run("load_register")
    assert "nothing loaded" in again
    assert (Contract.objects.count(), ContractValue.objects.count()) == (contracts, values)


def test_load_register_leaves_a_database_someone_has_started_alone():
    # The fixture's rows carry primary keys: loading over a provider typed in
    # by hand would silently replace it.
    ProviderFactory(name="Typed in by hand")
    output = run("load_register")
    assert "nothing loaded" in output
    assert list(Provider.objects.values_list("name", flat=True)) == ["Typed in by hand"]
    assert not Contract.objects.exists()
