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
