import pytest
from django.db import connection


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
