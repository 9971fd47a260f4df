"""Settings read the environment once and stop with a clear message on a bad value.

Each case starts a fresh Python process, as a server would, because settings
are read once at import.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET_KEY = "development-only-not-secret-commissioning-register"


def start_django(**changes):
    """Run ``django.setup()`` with the test environment changed; None removes a variable."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="commissioning.settings")
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def refusal(result):
    """The ImproperlyConfigured line the process died with."""
    assert result.returncode != 0, result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    return last.removeprefix("django.core.exceptions.ImproperlyConfigured: ")


def test_the_test_environment_itself_starts():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_production_refuses_to_start_without_a_secret_key():
    message = refusal(start_django(DEBUG="false", SECRET_KEY=None))
    assert "SECRET_KEY" in message
    assert "development key" in message


def test_production_refuses_the_development_secret_key_given_explicitly():
    message = refusal(start_django(DEBUG="false", SECRET_KEY=DEVELOPMENT_SECRET_KEY))
    assert "SECRET_KEY" in message


def test_development_starts_without_a_secret_key():
    result = start_django(DEBUG="true", SECRET_KEY=None)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_debug_value_that_is_not_true_or_false_is_refused(value):
    message = refusal(start_django(DEBUG=value))
    assert message == f"DEBUG must be true or false, not {value!r}."


@pytest.mark.parametrize(
    "url",
    ["nonsense", "mysqlx://user@host/db", "postgres://user@host:notaport/db", "postgres://"],
)
def test_a_bad_database_url_is_refused_with_a_clear_message(url):
    message = refusal(start_django(DATABASE_URL=url))
    assert message.startswith("DATABASE_URL ")


def test_a_bad_connection_age_is_refused():
    message = refusal(start_django(DATABASE_CONN_MAX_AGE="forever"))
    assert message == "DATABASE_CONN_MAX_AGE must be a whole number, not 'forever'."


def test_production_needs_allowed_hosts():
    message = refusal(start_django(ALLOWED_HOSTS=" , "))
    assert "ALLOWED_HOSTS" in message


def test_an_unknown_protective_marking_is_refused():
    message = refusal(start_django(PROTECTIVE_MARKING="SECRET"))
    assert "PROTECTIVE_MARKING" in message


def test_the_offices_name_comes_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.OPCC_NAME)",
        ],
        cwd=PROJECT,
        env=dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="commissioning.settings",
            OPCC_NAME="Lancashire OPCC",
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "Lancashire OPCC", result.stderr


def test_generated_pdfs_are_kept_in_a_folder_unless_told_otherwise():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "pdfs = settings.STORAGES['pdfs']; print(pdfs['BACKEND'], pdfs['OPTIONS']['location'])",
        ],
        cwd=PROJECT,
        env=dict(
            os.environ, DJANGO_SETTINGS_MODULE="commissioning.settings", PDF_CACHE_DIR="/srv/pdf"
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["commissioning.documents.PdfFileSystemStorage", "/srv/pdf"]


def test_pdf_storage_refuses_an_unknown_kind():
    message = refusal(start_django(PDF_STORAGE="dropbox"))
    assert "PDF_STORAGE must be files or s3" in message


def test_s3_pdf_storage_needs_a_bucket():
    message = refusal(start_django(PDF_STORAGE="s3", PDF_S3_BUCKET=None))
    assert "PDF_S3_BUCKET" in message


def test_s3_pdf_storage_without_django_storages_says_what_to_install():
    if importlib.util.find_spec("storages") is not None:
        # An office that installed it gets the S3 backend instead.
        assert start_django(PDF_STORAGE="s3", PDF_S3_BUCKET="register-pdfs").returncode == 0
        return
    message = refusal(start_django(PDF_STORAGE="s3", PDF_S3_BUCKET="register-pdfs"))
    assert 'pip install "django-storages[s3]"' in message
