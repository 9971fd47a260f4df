"""Walk every URL the project serves as each role, and check who gets in."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from contracts.models import Contract, RenewalDecision, SentAlert
from tests.factories import (
    ChangeFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    KpiFactory,
    MeasureFactory,
    NoticeFactory,
    OutcomeFactory,
    RatingFactory,
)
from tests.security.url_walk import every_route

pytestmark = pytest.mark.django_db

# Reachable without signing in, on purpose.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
}
# The public transparency pages: open to anyone, but only when PUBLIC_REGISTER is on
# (off by default, as in these tests: then they answer 404 to everyone).
PUBLIC_WHEN_SWITCHED_ON = "publication:"
# Admin for users, roles and lockouts: administrators only.
USER_MANAGEMENT_APPS = {"auth", "axes"}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


@pytest.fixture
def samples():
    contract = ContractFactory(reference="SAMPLE")
    ContractValueFactory(contract=contract, year=2023, funding_stream=FundingStreamFactory())
    ExtensionOptionFactory(contract=contract, year=2025)
    ContractPartnerFactory(contract=contract)
    OutcomeFactory(contract=contract, measure=MeasureFactory())
    RatingFactory(kpi=KpiFactory(contract=contract))
    NoticeFactory(contract=contract, change=ChangeFactory(contract=contract), notice_type="UK10")
    RenewalDecision.objects.create(contract=contract, end_date=contract.end_date)
    SentAlert.objects.create(
        subject=f"end:{contract.pk}",
        due_date=contract.end_date,
        lead_months=3,
        sent_on=timezone.localdate(),
    )
    AccessAttempt.objects.create(
        username="someone",
        ip_address="192.0.2.1",
        failures_since_start=1,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
    )
    return {
        "contract": contract,
        "contract_type": ContentType.objects.get_for_model(Contract),
        "user": User.objects.create_user("sample-user"),
        Group: Group.objects.get(name="viewer"),
        "reference": contract.reference,
        "subject": "end",
        "pk": contract.lead_provider.pk,
        "key": "no-such-document",
        "task_id": "00000000-0000-4000-8000-000000000000",
        "uidb64": "MQ",
        "token": "not-a-token",
    }


@pytest.fixture
def routes(samples):
    found, unfilled = every_route(samples)
    assert unfilled == [], "teach tests/security/test_url_access.py these URL parameters"
    return found


def visit(client, route):
    response = client.get(route.url)
    if response.streaming:
        # Read and close a file response, as a browser would (the test client closes the rest).
        b"".join(response.streaming_content)
        response.close()
    assert response.status_code < 500, f"{route.name} {route.url}: {response.status_code}"
    return response


def test_every_page_asks_an_anonymous_visitor_to_sign_in(routes):
    client = Client()
    for route in routes:
        response = visit(client, route)
        if route.name in PUBLIC:
            continue
        if route.name.startswith(PUBLIC_WHEN_SWITCHED_ON):
            assert response.status_code == 404, route.name
            continue
        assert response.status_code in (302, 405), f"{route.name}: {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN_PAGES), route.name


# Forms that only take a POST (a GET is answered 405): switching one's own alerts.
POST_ONLY = {"reports:alert-preference"}
# Pages outside the admin that only editors may use: a viewer is refused (403).
EDITORS_ONLY = {"contracts:record-decision"}


def test_a_viewer_reads_every_page_and_pdf_but_no_admin_page(routes, viewer):
    client = Client()
    client.force_login(viewer)
    for route in routes:
        response = visit(client, route)
        if route.is_admin and route.name not in PUBLIC:
            # Viewers are not staff: admin sends them to its login, whatever the page.
            assert response.status_code in (302, 403, 405), route.name
            if response.status_code == 302 and route.name != "admin:logout":
                assert response["Location"].startswith("/admin/login/"), route.name
        elif route.name in POST_ONLY:
            assert response.status_code == 405, route.name
        elif route.name in EDITORS_ONLY:
            assert response.status_code == 403, route.name
        elif route.name.startswith(("reports:", "contracts:", "providers:", "outcomes:")):
            assert response.status_code in (200, 302, 404), f"{route.name}: {response.status_code}"
    page = client.get("/contracts/SAMPLE/")
    assert page.status_code == 200
    assert page.context["contract"].reference == "SAMPLE"
    summary = client.get("/contracts/SAMPLE/summary.pdf")
    assert summary.status_code == 200
    assert summary["Content-Type"] == "application/pdf"
    assert b"".join(summary.streaming_content).startswith(b"%PDF")
    summary.close()


def test_an_editor_edits_the_register_in_admin_but_manages_no_users(routes, editor, samples):
    client = Client()
    client.force_login(editor)
    for route in routes:
        model = route.admin_model
        if model is None:
            continue
        response = visit(client, route)
        app_label = model._meta.app_label
        if app_label in USER_MANAGEMENT_APPS:
            assert response.status_code in (302, 403), f"{route.name}: {response.status_code}"
            if response.status_code == 302:
                assert not response["Location"].startswith(route.url), route.name
        if route.action == "delete" and model._meta.model_name in {"contract", "provider"}:
            assert response.status_code == 403, f"{route.name}: archive, never delete"
    contract = samples["contract"]
    change = client.get(f"/admin/contracts/contract/{contract.pk}/change/").content.decode()
    assert "Change contract" in change
    assert f'value="{contract.title}"' in change
    for url in ("/admin/auth/user/", "/admin/auth/group/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "You do not have permission to do that" in response.content.decode()


def test_an_administrator_manages_users_and_roles(administrator):
    client = Client()
    client.force_login(administrator)
    pages = {
        "/admin/auth/user/": "Select user to change",
        "/admin/auth/group/": "Select group to change",
        "/admin/axes/accessattempt/": "Select access attempt to change",
        "/admin/contracts/contract/": "Select contract to change",
    }
    for url, heading in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert heading in response.content.decode(), url
    assert ">ada<" in client.get("/admin/auth/user/").content.decode()  # the users are listed


def test_a_viewer_cannot_change_anything_by_posting_to_admin(viewer, samples):
    client = Client()
    client.force_login(viewer)
    contract = samples["contract"]
    response = client.post(
        f"/admin/contracts/contract/{contract.pk}/change/", {"title": "Changed by a viewer"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    contract.refresh_from_db()
    assert contract.title != "Changed by a viewer"


def test_with_the_public_register_on_its_pages_and_only_those_open_to_anyone(routes, settings):
    settings.PUBLIC_REGISTER = True
    client = Client()
    opened = []
    for route in routes:
        response = visit(client, route)
        if response.status_code == 200 and route.name not in PUBLIC:
            opened.append(route.name)
    assert opened and all(name.startswith(PUBLIC_WHEN_SWITCHED_ON) for name in opened), opened
    assert "publication:page" in opened
