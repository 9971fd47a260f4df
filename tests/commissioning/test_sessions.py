import time

import pytest
from django.contrib.sessions.models import Session

from commissioning.sessions import REFRESH_SECONDS, SAVED_AT

pytestmark = pytest.mark.django_db


def _stored(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_a_page_within_a_minute_of_the_last_save_does_not_write_the_session(viewer_client):
    viewer_client.get("/contracts/")
    first = _stored(viewer_client)
    viewer_client.get("/contracts/")
    again = _stored(viewer_client)
    assert again.expire_date == first.expire_date
    assert again.session_data == first.session_data


def test_a_session_in_use_is_saved_again_once_its_last_save_is_a_minute_old(viewer_client):
    viewer_client.get("/contracts/")
    first = _stored(viewer_client)
    session = viewer_client.session
    session[SAVED_AT] = int(time.time()) - REFRESH_SECONDS
    session.save()
    saved_by_hand = _stored(viewer_client).expire_date
    time.sleep(0.01)
    viewer_client.get("/contracts/")
    assert _stored(viewer_client).expire_date > saved_by_hand >= first.expire_date


def test_a_session_idle_longer_than_its_age_is_signed_out(viewer_client):
    viewer_client.get("/contracts/")
    Session.objects.filter(session_key=viewer_client.session.session_key).update(
        expire_date="2000-01-01T00:00:00Z"
    )
    response = viewer_client.get("/contracts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_first_page_after_signing_in_does_not_save_the_session_again(client, viewer):
    client.force_login(viewer)
    signed_in = _stored(client)
    client.get("/contracts/")
    assert _stored(client).session_data == signed_in.session_data


def test_a_visitor_without_a_session_gets_no_session_row(client):
    before = Session.objects.count()
    client.get("/accounts/login/")
    assert Session.objects.count() == before
