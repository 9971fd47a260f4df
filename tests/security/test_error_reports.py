"""An unhandled error shows the site's 500 page at once, whatever the mail server does.

Error reports go to ADMINS by mail. A mail server that refuses connections, or
accepts them and never answers, must cost the visitor nothing: the report is
sent after the response, with a short timeout, and a failure is logged.
"""

import socket
import threading
import time

import pytest
from django.core import mail
from django.test import Client

from commissioning.errors import ErrorMailHandler

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.error_urls")]


@pytest.fixture
def refusing_mail_server():
    """A port on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        yield reserved.getsockname()[1]


@pytest.fixture
def silent_mail_server():
    """A server on 127.0.0.1 that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    server.close()


def use_mail_server(settings, port, timeout=2):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


@pytest.fixture
def warmed_up(settings, editor):
    """The 500 page rendered once, so timing measures the mail server, not a cold start."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    failing_page(editor)
    ErrorMailHandler.wait_for_reports(timeout=10)


def failing_page(editor):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    started = time.monotonic()
    response = client.get("/failing-page/")
    return response, time.monotonic() - started


@pytest.mark.parametrize("server", ["refusing_mail_server", "silent_mail_server"])
def test_the_500_page_comes_at_once_whatever_the_mail_server_does(
    request, settings, editor, caplog, server, warmed_up
):
    use_mail_server(settings, request.getfixturevalue(server))

    response, seconds = failing_page(editor)

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert seconds < 2
    ErrorMailHandler.wait_for_reports(timeout=10)
    assert any(
        record.name == "commissioning.errors.mail" and "Error report not sent" in record.message
        for record in caplog.records
    )


def test_error_reports_still_reach_the_admins_when_mail_works(settings, editor):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []

    response, _ = failing_page(editor)
    ErrorMailHandler.wait_for_reports(timeout=10)

    assert response.status_code == 500
    [report] = mail.outbox
    assert "a bug in a page" in report.body
    assert report.to == ["errors@example.invalid"]


def test_the_mail_server_wait_is_short_in_production_settings():
    from commissioning import settings as production  # as loaded, before tests swap the mailer

    assert production.MAILERS["default"]["OPTIONS"]["timeout"] <= 10
