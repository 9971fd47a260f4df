"""Nothing internal reaches the public: every internal field of the real register, and every
record that must not be published, is planted with a marker that must not appear at any
public URL or in any file of the static bundle."""

import datetime
import json

import pytest
from django.urls import URLPattern, get_resolver, reverse

from contracts.models import Contract, Status
from outcomes.models import Outcome
from providers.models import Provider
from publication.bundle import write_bundle
from tests.factories import ContractFactory, ContractValueFactory

pytestmark = pytest.mark.django_db

MARKER = "ZZLEAK"


def public_routes():
    """Every URL of the publication app, found from the URL configuration, so a new public
    URL is walked the day it is added."""
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if getattr(entry, "namespace", None) == "publication":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                yield f"publication:{pattern.name}"


@pytest.fixture
def planted(cumbria):
    """The real register with a marker in every internal field and every unpublishable record."""
    for contract in Contract.objects.all():
        contract.internal_notes = f"{MARKER} internal note of {contract.reference}"
        contract.contract_manager = f"{MARKER} manager of {contract.reference}"
        contract.save()
    for provider in Provider.objects.all():
        provider.notes = f"{MARKER} provider note of {provider.name}"
        provider.phone = f"{MARKER} phone"
        provider.website = "https://zzleak.example"
        provider.save()
    # Every outcome unpublished: outcomes are never on the public page anyway.
    # One save each: the register's querysets refuse update() (commissioning/audited.py).
    for outcome in Outcome.objects.all():
        outcome.is_published = False
        outcome.text = MARKER + " unpublished outcome"
        outcome.save()
    # The records the fixture does not publish keep their titles; mark them too.
    for contract in Contract.objects.filter(is_published=False):
        contract.title = f"{MARKER} unpublished {contract.reference}"
        contract.description = f"{MARKER} unpublished description"
        contract.save()
    for status in (Status.PLANNED, Status.PROCUREMENT):
        ContractFactory(title=f"{MARKER} {status} service", is_published=True, status=status)
    archived = ContractFactory(title=f"{MARKER} archived", is_published=True)
    ContractValueFactory(contract=archived)
    archived.archive()
    ContractFactory(
        title=f"{MARKER} published next year",
        is_published=True,
        published_from=datetime.date.today() + datetime.timedelta(days=365),
    )
    return MARKER


def body_text(response, pdf_words):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == "application/pdf":
        return pdf_words(content)
    return content.decode("utf-8")


def test_the_walk_finds_every_public_url():
    assert sorted(public_routes()) == sorted(
        [
            "publication:page",
            "publication:contracts-csv",
            "publication:grants-csv",
            "publication:pdf",
            "publication:ocds",
            "publication:360giving",
        ]
    )


def test_no_public_url_shows_anything_internal(client, planted, pdf_words):
    for name in public_routes():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        text = body_text(response, pdf_words)
        assert planted not in text, name
        assert planted.lower() not in text.lower(), name
        # The published records are there.
        grants_only = name in ("publication:grants-csv", "publication:360giving")
        expected = "Crimestoppers" if grants_only else "Remedi"
        assert expected in text, name


def test_the_marker_would_be_seen_if_it_leaked(client, planted, pdf_words):
    """The walk can fail: a published field carrying the marker is found on every URL."""
    contract = Contract.objects.get(reference="CRIMESTOPPERS-RM")
    contract.title = f"{MARKER} published title"
    contract.save()
    for name in public_routes():
        text = body_text(client.get(reverse(name)), pdf_words)
        if name in ("publication:contracts-csv", "publication:ocds"):
            continue  # a grant is not in the contracts' files
        assert planted in text, name


def test_no_file_of_the_static_bundle_holds_anything_internal(planted, tmp_path, pdf_words):
    written = write_bundle(tmp_path / "bundle")
    names = sorted(path.name for path in written)
    assert names == [
        "360giving.json",
        "app.css",
        "contracts-and-grants.pdf",
        "contracts.csv",
        "grants.csv",
        "index.html",
        "ocds.json",
    ]
    for path in written:
        if path.suffix == ".pdf":
            text = pdf_words(path.read_bytes())
        else:
            text = path.read_text(encoding="utf-8")
        assert planted.lower() not in text.lower(), path.name
    json.loads((tmp_path / "bundle" / "ocds.json").read_text())
