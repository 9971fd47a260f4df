from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unreachable_database_gives_the_503_page_not_a_stack_trace(viewer):
    viewer_client = Client(raise_request_exception=False)
    viewer_client.force_login(viewer)
    with mock.patch.object(
        BaseDatabaseWrapper,
        "ensure_connection",
        side_effect=OperationalError("could not connect to server: Connection refused"),
    ):
        response = viewer_client.get("/contracts/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "Connection refused" not in page
    assert "Traceback" not in page


def test_the_login_page_also_says_unavailable_when_the_database_is_down():
    client = Client(raise_request_exception=False)
    with mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("no database")
    ):
        response = client.post("/accounts/login/", {"username": "jane", "password": "x"})
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_any_other_unhandled_error_gives_the_500_page(viewer):
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    with mock.patch("django.contrib.auth.views.LoginView.get", side_effect=RuntimeError("boom")):
        response = client.get("/accounts/login/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "boom" not in response.content.decode()


def test_a_session_that_cannot_be_saved_while_the_database_is_down_gives_503_not_400(viewer):
    """Django answers 400 "session interrupted" for any error saving a session; not for this."""
    from django.contrib.sessions.models import Session

    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    session = client.session
    session["touched"] = "before"
    session.save()

    def database_gone_at_the_session_save(instance, *arguments, **keywords):
        raise OperationalError("server closed the connection unexpectedly")

    # The view runs; then, as the middleware saves the session it changed, the database goes.
    def view_that_changes_the_session(view, request, *arguments, **keywords):
        from django.http import HttpResponse

        request.session["touched"] = "during"
        return HttpResponse("ok")

    with (
        mock.patch.object(Session, "save", database_gone_at_the_session_save),
        mock.patch("django.contrib.auth.views.LoginView.get", view_that_changes_the_session),
    ):
        response = client.get("/accounts/login/")
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_a_session_deleted_meanwhile_is_still_refused_as_django_does(viewer):
    from django.contrib.sessions.backends.base import UpdateError

    from commissioning.sessions import SessionStore

    store = SessionStore()
    store["a"] = 1
    store.save()
    store.delete()  # a concurrent logout
    store["a"] = 2
    with pytest.raises(UpdateError):
        store.save()
