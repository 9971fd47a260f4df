"""Data quality: the page, its PDF and check_register find the same records."""

import datetime
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("viewer"))
    return client


def test_check_register_on_the_real_register_prints_its_findings_and_exits_non_zero():
    call_command("load_register", stdout=StringIO())
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_register", stdout=out, stderr=err)
    assert exit_.value.code == 1
    text = out.getvalue()
    assert "Options past their decision date still available: 7" in text
    assert "Contracts with no owner: 23" in text
    assert "REMEDI-PATHWAYS Pathways: option 2024/25" in text
    assert "record(s) to fix." in err.getvalue()


def test_a_clean_register_passes(django_user_model):
    owner = django_user_model.objects.create_user("owner")
    contract = ContractFactory(owner=owner, start_date=datetime.date(2022, 4, 1))
    ContractValueFactory(contract=contract, year=2022)
    contract.lead_provider.charity_number = "1234567"
    contract.lead_provider.save()
    out = StringIO()
    call_command("check_register", "--today", "2022-06-01", stdout=out)
    assert "Nothing to fix." in out.getvalue()


def test_the_page_counts_and_links_each_finding(viewer_client):
    contract = ContractFactory(reference="NO-VALUES", end_date=None)
    ContractFactory(reference="OUTSIDE", end_date=datetime.date(2023, 3, 31))
    ContractValueFactory(contract__reference="OUTSIDE-2", year=2022)
    outside = ContractFactory(
        reference="LONG", start_date=datetime.date(2022, 4, 1), end_date=datetime.date(2023, 3, 31)
    )
    ContractValueFactory(contract=outside, year=2023)
    noted = ContractFactory(reference="NOTED", value_note="TOTAL: £633")
    ContractValueFactory(contract=noted, year=2022, amount=633300)
    ExtensionOptionFactory(contract=noted, year=2025)

    text = viewer_client.get("/reports/data-quality/?as_of=2025-01-01").content.decode()
    assert 'href="/contracts/NO-VALUES/"' in text
    assert "Contracts with no end date: 1" in text
    assert "Values outside the contract’s period: 1" in text
    assert 'href="/contracts/LONG/"' in text
    assert "A total that disagrees with the value note: 1" in text
    assert "the note says “TOTAL: £633”; the values total £633,300" in text
    assert "Options past their decision date still available: 1" in text
    assert 'href="/contracts/NOTED/#decisions"' in text
    assert contract.reference in text


def test_the_pdf_lists_the_same_checks(viewer_client):
    ContractFactory(reference="NO-VALUES")
    response = viewer_client.get("/reports/data-quality.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Contracts with no values" in text
    assert "NO-VALUES" in text


def test_the_page_lists_the_first_findings_of_each_check_and_counts_the_rest(
    viewer_client, monkeypatch
):
    """A national register can have hundreds of thousands of findings (55 s to list at
    100,000 contracts, bench/results.md): the page lists the first of each check and counts
    all of them; the PDF and check_register still list every one."""
    from reports.quality import run_checks
    from reports.views import quality

    monkeypatch.setattr(quality, "SHOWN", 2)
    for reference in ("OWNERLESS-1", "OWNERLESS-2", "OWNERLESS-3"):
        ContractFactory(reference=reference, owner=None)

    text = viewer_client.get("/reports/data-quality/").content.decode()

    assert "Contracts with no owner: 3" in text
    assert 'href="/contracts/OWNERLESS-1/"' in text
    assert 'href="/contracts/OWNERLESS-2/"' in text
    assert 'href="/contracts/OWNERLESS-3/"' not in text
    assert "And 1 more" in text
    every = {check.slug: check for check in run_checks()}["no-owner"]
    assert [finding.url for finding in every.findings][-1] == "/contracts/OWNERLESS-3/"
    assert (every.count, every.more) == (3, 0)


def test_a_check_made_in_python_is_capped_and_counted_as_the_others():
    # The note's amounts are compared in Python: its findings are a list, not a query.
    from reports.quality import run_checks

    for reference in ("NOTED-1", "NOTED-2", "NOTED-3"):
        ContractFactory(reference=reference, value_note="£5,000 a year")

    def noted(shown):
        return {check.slug: check for check in run_checks(shown=shown)}["total-disagrees-with-note"]

    capped, every = noted(2), noted(None)

    assert [finding.url for finding in capped.findings] == [
        "/contracts/NOTED-1/",
        "/contracts/NOTED-2/",
    ]
    assert (capped.count, capped.more) == (3, 1)
    assert (every.count, every.more) == (3, 0)
