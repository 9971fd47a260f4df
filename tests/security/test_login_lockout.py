import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

WRONG = "not the password"


NO_PERMISSION = "You do not have permission to do that"
WRONG_PASSWORD = (
    "correct username and password"  # "Please enter a correct …" (admin: "the correct …")
)


def signed_in_as(client, username):
    """The dashboard, as the client now sees it, offers to sign ``username`` out."""
    page = client.get("/", follow=True).content.decode()
    return f'Sign out<span class="govuk-visually-hidden"> {username}</span>' in page


def fail_to_sign_in(client, url, username, times):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": WRONG})
    return response


@pytest.mark.parametrize("login_url", ["/accounts/login/", "/admin/login/"])
def test_five_failed_sign_ins_lock_the_user_out_with_a_clear_message(login_url, editor):
    from tests.conftest import PASSWORD

    client = Client()
    response = fail_to_sign_in(client, login_url, "jane", 4)
    assert response.status_code == 200  # still the login form, with its error
    assert WRONG_PASSWORD in response.content.decode()

    response = fail_to_sign_in(client, login_url, "jane", 1)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in locked" in page
    assert "There have been 5 failed attempts" in page
    assert "locked for 30 minutes" in page

    # Even the right password is refused while locked out.
    response = client.post(login_url, {"username": "jane", "password": PASSWORD})
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not signed_in_as(client, "jane")


def test_an_administrator_unlocks_a_user_in_admin(client, editor, administrator):
    from tests.conftest import PASSWORD

    stranger = Client()
    fail_to_sign_in(stranger, "/accounts/login/", "jane", 5)
    attempt = AccessAttempt.objects.get(username="jane")

    client.force_login(administrator)
    response = client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    listing = client.get(response["Location"]).content.decode()
    assert "Successfully deleted 1 access attempt" in listing

    response = stranger.post("/accounts/login/", {"username": "jane", "password": PASSWORD})
    assert response.status_code == 302
    assert stranger.session["_auth_user_id"] == str(editor.pk)
    assert signed_in_as(stranger, "jane")


def test_an_editor_cannot_unlock_anyone(client, editor):
    client.force_login(editor)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 403
    assert NO_PERMISSION in response.content.decode()


def test_another_user_on_the_same_network_is_not_locked_out_by_someone_elses_failures(
    editor, second_editor
):
    from tests.conftest import PASSWORD

    client = Client()
    fail_to_sign_in(client, "/accounts/login/", "jane", 5)
    response = client.post("/accounts/login/", {"username": "omar", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client, "omar")


def test_a_successful_sign_in_resets_the_count(editor):
    from tests.conftest import PASSWORD

    client = Client()
    fail_to_sign_in(client, "/accounts/login/", "jane", 4)
    client.post("/accounts/login/", {"username": "jane", "password": PASSWORD})
    client.post("/accounts/logout/")
    response = fail_to_sign_in(client, "/accounts/login/", "jane", 4)
    page = response.content.decode()
    assert WRONG_PASSWORD in page  # the form again, with its error: not locked out
    assert "Sign-in locked" not in page


def test_behind_a_proxy_one_visitors_failures_do_not_lock_out_another(settings, editor):
    """With TRUSTED_PROXIES=1 the lock-out follows X-Forwarded-For's last entry, not the proxy."""
    from tests.conftest import PASSWORD

    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    fail_to_sign_in(attacker, "/accounts/login/", editor.username, 5)
    assert (
        attacker.post(
            "/accounts/login/", {"username": editor.username, "password": PASSWORD}
        ).status_code
        == 429
    )

    owner = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = owner.post("/accounts/login/", {"username": editor.username, "password": PASSWORD})

    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_without_a_proxy_configured_a_forged_forwarded_header_is_ignored(settings, editor):
    settings.TRUSTED_PROXIES = 0
    first = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.1")
    fail_to_sign_in(first, "/accounts/login/", editor.username, 5)

    # Changing the header does not escape the lock-out: the address is the connection's.
    second = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.2")
    response = fail_to_sign_in(second, "/accounts/login/", editor.username, 1)

    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "192.0.2.50"
