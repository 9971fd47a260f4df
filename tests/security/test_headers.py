import re

import pytest

from commissioning.sessions import SAVED_AT

pytestmark = pytest.mark.django_db


def test_every_page_carries_a_content_security_policy_without_unsafe_inline(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    # The nonce joins the policy on the pages that use one (Django generates it lazily).
    assert re.search(r"script-src 'self'(?: 'nonce-[\w+/=-]+')?;", policy)


@pytest.fixture
def contract():
    from tests.factories import ContractFactory, ContractValueFactory, OutcomeFactory

    contract = ContractFactory(reference="CSP")
    ContractValueFactory(contract=contract, year=2024)
    OutcomeFactory(contract=contract)
    return contract


def test_no_page_has_inline_script_style_or_handlers_the_policy_would_block(
    editor_client, contract
):
    pages = [
        "/",
        "/contracts/",
        "/contracts/CSP/",
        "/providers/",
        "/outcomes/",
        "/admin/",
        f"/admin/contracts/contract/{contract.pk}/change/",
        "/admin/contracts/contract/",
    ]
    for url in pages:
        response = editor_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
            if "src=" in tag or 'type="application/json"' in tag:
                continue
            assert nonce and f'nonce="{nonce.group(1)}"' in tag, f"{url}: {tag}"
        assert not re.search(r"<[^>]+\son[a-z]+=", html), f"{url} has an inline event handler"
        assert not re.search(r"<[^>]+\sstyle=", html), f"{url} has an inline style attribute"
        assert "javascript:" not in html, url


def test_pages_refuse_to_be_framed_and_keep_referrers_on_the_site(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_session_ends_after_half_an_hour_without_a_request(settings, viewer_client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    session = viewer_client.session
    session[SAVED_AT] = 0  # last saved long ago: this request saves it and sends the cookie
    session.save()
    response = viewer_client.get("/accounts/login/")
    assert response.cookies["sessionid"]["max-age"] in ("", 1800)


def test_signing_out_needs_a_post(viewer_client):
    assert viewer_client.get("/accounts/logout/").status_code == 405
    response = viewer_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert viewer_client.get("/admin/").status_code == 302


def test_a_post_without_a_csrf_token_is_refused(viewer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert "_auth_user_id" in client.session


def test_passwords_go_through_djangos_validators(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="too common"):
        validate_password("password123")
    with pytest.raises(ValidationError, match="too short"):
        validate_password("x7!q")
