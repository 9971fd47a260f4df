"""Fixtures every test folder shares: the roles' users and clients signed in as them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from commissioning.roles import ADMINISTRATOR, EDITOR, VIEWER


@pytest.fixture(scope="session", autouse=True)
def no_connection_left_on_the_test_database(django_db_setup, django_db_blocker):
    """Before pytest-django drops the PostgreSQL test database, end any session still on it.

    A request thread of the browser tests' live server that outlives the server
    keeps a connection open, and PostgreSQL refuses to drop a database in use.
    """
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache. The register's data version is a counter
    in the database, and a test's rollback winds it back, so a later test could meet
    another test's dashboard cached under the same version."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def pdfs_stored_per_test(settings, tmp_path):
    """Each test stores its PDFs in a folder of its own (the "pdfs" storage), so nothing is
    served from another test's file and nothing lands in the development media folder."""
    folder = tmp_path / "pdf"
    settings.PDF_CACHE_DIR = folder
    settings.STORAGES = {
        **settings.STORAGES,
        "pdfs": {**settings.STORAGES["pdfs"], "OPTIONS": {"location": folder}},
    }
    return folder


@pytest.fixture(scope="session")
def rows_migrations_made(django_db_setup, django_db_blocker):
    """The database as migrations left it (the roles' groups, content types, permissions)."""
    with django_db_blocker.unblock():
        rows = connection.creation.serialize_db_to_string()
        connection.close()  # PostgreSQL refuses to drop a test database still in use
    return rows


@pytest.fixture(scope="module")
def rows_migrations_made_put_back(rows_migrations_made, django_db_blocker):
    """After a module of transactional tests (browser tests, concurrent runs), put back the
    rows migrations made.

    Each transactional test ends by emptying the database. Django and
    pytest-django run such tests after all others, but pytest-xdist's
    ``--dist loadfile`` sends the biggest files first, so other tests can
    follow these on the same worker and must find the database as migrated.
    """
    yield
    put_back_rows_migrations_made(rows_migrations_made, django_db_blocker)


def put_back_rows_migrations_made(rows, django_db_blocker):
    """Empty the database and load ``rows`` (from ``rows_migrations_made``) into it."""
    with django_db_blocker.unblock():
        # The last flush re-created content types and permissions under new ids:
        # empty the tables again, without that, and load the originals.
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(rows)
        # Rows came back with their ids: move PostgreSQL's sequences past them,
        # or the next row a later test creates collides with one of them.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)
        connection.close()


# What a page may cost, as pytest-django counts it: at most 10 SQL statements (the
# session's three included) plus the SAVEPOINT/RELEASE pairs of ATOMIC_REQUESTS and
# of the session save, which the bench (bench/measure.py) leaves out.
PAGE_MOST_QUERIES = 10 + 4

PASSWORD = "correct horse battery staple 42"


def make_user(username, role, first_name="", last_name=""):
    """A user in one of the roles (groups) commissioning/roles.py defines."""
    user = User.objects.create_user(
        username, password=PASSWORD, first_name=first_name, last_name=last_name
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def viewer(db):
    return make_user("vera", VIEWER, "Vera", "Viewer")


@pytest.fixture
def editor(db):
    return make_user("jane", EDITOR, "Jane", "Smith")


@pytest.fixture
def second_editor(db):
    return make_user("omar", EDITOR, "Omar", "Khan")


@pytest.fixture
def administrator(db):
    return make_user("ada", ADMINISTRATOR, "Ada", "Admin")


@pytest.fixture
def staff_member(db):
    """A member of OPCC staff: reads the register, edits nothing (the viewer role)."""
    return make_user("officer", VIEWER, "Olive", "Officer")


@pytest.fixture
def staff_client(client, staff_member):
    """A client signed in as an ordinary member of staff (the viewer role)."""
    client.force_login(staff_member)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def admin_client(client, django_user_model):
    """A superuser's client (replaces pytest-django's): no password, so no slow hashing."""
    user = django_user_model.objects.create(username="admin", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
