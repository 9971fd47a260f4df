"""Production settings: `check --deploy` is clean, and a production without mail refuses to start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "commissioning.settings",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "register.example.org",
    "ADMINS": "errors@example.org",
    "EMAIL_HOST": "smtp.example.org",
    "SERVER_EMAIL": "register@example.org",
}


def run(arguments, environment):
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_mail_settings_for_error_reports():
    environment = {key: value for key, value in PRODUCTION.items() if key != "EMAIL_HOST"}
    environment.pop("ADMINS")
    result = run(["-c", "import django; django.setup()"], environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Production needs somewhere to send error reports: set ADMINS, EMAIL_HOST" in (
        result.stderr
    )


def test_a_malformed_proxy_header_setting_is_refused_with_its_name():
    result = run(
        ["-c", "import django; django.setup()"], {**PRODUCTION, "PROXY_SSL_HEADER": "https"}
    )
    assert "PROXY_SSL_HEADER must look like X-Forwarded-Proto=https" in result.stderr


def test_production_sends_https_only_headers_and_a_content_security_policy():
    script = (
        "import django; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.X_FRAME_OPTIONS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run(["-c", script], {**PRODUCTION, "PROXY_SSL_HEADER": "X-Forwarded-Proto=https"})
    assert result.stdout.split(maxsplit=5) == [
        "True",
        "True",
        "True",
        "31536000",
        "DENY",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ]
