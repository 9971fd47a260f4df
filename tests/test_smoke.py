import pytest

pytestmark = pytest.mark.django_db


def test_the_login_page_asks_for_a_username_and_password(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_the_admin_sends_anonymous_visitors_to_its_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
