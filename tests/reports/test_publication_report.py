"""/reports/publication/: per contract, which publication duties are not met and when each is
due; recording the missing thing clears it."""

import datetime
import html
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from contracts.models import AgreementType, NoticeType, Status
from publication.duties import duties_for, outstanding_duties
from tests.factories import (
    ChangeFactory,
    ContractFactory,
    ContractValueFactory,
    KpiFactory,
    NoticeFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def whats(contract):
    return [duty.what for duty in duties_for(contract_with_rows(contract), TODAY)]


def contract_with_rows(contract):
    from publication.duties import contracts_for_duties

    return contracts_for_duties().get(pk=contract.pk)


def act_contract(**fields):
    contract = ContractFactory(
        is_published=True,
        under_procurement_act=True,
        threshold="above",
        published_copy_url="https://example.gov.uk/copy.pdf",
        purpose="A purpose.",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2028, 3, 31),
        **fields,
    )
    ContractValueFactory(contract=contract, year=2025, amount=Decimal("500000"))
    return contract


def test_a_contract_over_10000_without_a_copy_is_due_from_its_start():
    contract = ContractFactory(is_published=True, start_date=datetime.date(2024, 4, 1))
    ContractValueFactory(contract=contract, year=2024, amount=Decimal("20000"))
    [duty] = duties_for(contract_with_rows(contract), TODAY)
    assert duty.what.startswith("Publish a copy of the contract (over £10,000)")
    assert duty.due == datetime.date(2024, 4, 1)
    assert duty.is_overdue(TODAY)
    contract.published_copy_url = "https://example.gov.uk/copy.pdf"
    contract.save()
    assert whats(contract) == []


def test_a_small_contract_needs_its_purpose_not_a_copy():
    contract = ContractFactory(is_published=True)
    ContractValueFactory(contract=contract, amount=Decimal("9000"))
    assert whats(contract) == [
        "Record its purpose in one sentence (the list of contracts of £10,000 or less)."
    ]


def test_a_grant_needs_conditions_reason_and_purpose():
    grant = ContractFactory(is_published=True, agreement_type=AgreementType.GRANT)
    ContractValueFactory(contract=grant, amount=Decimal("50000"))
    assert whats(grant) == [
        "Record the grant's conditions, for publication.",
        "Record why the grant is expected to reduce crime and disorder.",
        "Record the grant's purpose in one sentence.",
    ]


def test_an_invitation_to_tender_over_10000_needs_its_copy():
    contract = ContractFactory(status=Status.PROCUREMENT)
    ContractValueFactory(contract=contract, amount=Decimal("19600"))
    assert whats(contract)[0].startswith("Publish a copy of the invitation to tender")
    contract.tender_url = "https://example.gov.uk/itt.pdf"
    contract.save()
    assert whats(contract) == []


def test_a_contract_under_the_act_needs_its_contract_details_notice_within_30_days():
    contract = act_contract()
    [duty] = duties_for(contract_with_rows(contract), TODAY)
    assert duty.notice == NoticeType.UK7
    assert duty.due == datetime.date(2025, 5, 1)
    NoticeFactory(contract=contract, notice_type=NoticeType.UK7)
    assert whats(contract) == []


def test_a_kpi_not_rated_in_12_months_is_due_a_year_after_its_last_period():
    contract = act_contract()
    NoticeFactory(contract=contract, notice_type=NoticeType.UK7)
    kpi = KpiFactory(contract=contract, measure__name="Feeling safer")
    RatingFactory(
        kpi=kpi, period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2025, 5, 31)
    )
    [duty] = duties_for(contract_with_rows(contract), TODAY)
    assert "Rate the KPI “Feeling safer”" in duty.what
    assert duty.due == datetime.date(2026, 5, 31)
    RatingFactory(
        kpi=kpi, period_start=datetime.date(2025, 6, 1), period_end=datetime.date(2026, 3, 31)
    )
    assert whats(contract) == []


def test_a_light_touch_contract_has_no_kpi_or_change_duties():
    contract = act_contract(light_touch=True)
    NoticeFactory(contract=contract, notice_type=NoticeType.UK7)
    KpiFactory(contract=contract)
    ChangeFactory(contract=contract, value_before=Decimal(100), value_after=Decimal(200))
    assert whats(contract) == []


def test_a_change_beyond_10_per_cent_needs_a_change_notice_recorded_against_it():
    contract = act_contract()
    NoticeFactory(contract=contract, notice_type=NoticeType.UK7)
    change = ChangeFactory(
        contract=contract,
        made_on=datetime.date(2026, 7, 1),
        value_before=Decimal("500000"),
        value_after=Decimal("600000"),
    )
    [duty] = duties_for(contract_with_rows(contract), TODAY)
    assert duty.notice == NoticeType.UK10
    assert duty.due == datetime.date(2026, 7, 1)
    assert not duty.is_overdue(TODAY)
    NoticeFactory(contract=contract, notice_type=NoticeType.UK10, change=change)
    assert whats(contract) == []


def test_an_ending_needs_a_termination_notice_within_30_days():
    contract = act_contract(status=Status.TERMINATED, ended_on=datetime.date(2026, 1, 15))
    NoticeFactory(contract=contract, notice_type=NoticeType.UK7)
    [duty] = duties_for(contract_with_rows(contract), TODAY)
    assert duty.notice == NoticeType.UK11
    assert duty.due == datetime.date(2026, 2, 14)
    NoticeFactory(contract=contract, notice_type=NoticeType.UK11)
    assert whats(contract) == []


def test_the_report_lists_what_the_real_register_lacks(client, django_user_model):
    call_command("load_register", stdout=StringIO())
    client.force_login(django_user_model.objects.create_user("officer"))
    response = client.get("/reports/publication/")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert "Publication duties outstanding" in text
    assert "Pathways REMEDI-PATHWAYS · Remedi Publish a copy of the contract (over £10,000)" in text
    assert "Overdue since 1 April 2021" in text
    assert "Record the grant's conditions, for publication." in text
    assert "Brake" in text and "Record its value" in text
    assert "PAKMAN" in text and "invitation to tender" in text
    # A sub-line with no value of its own is published with its main contract.
    assert "BRIDGEWAY-ISVA" not in text
    rows = outstanding_duties()
    assert len(rows) == 22


def test_the_report_costs_the_same_queries_for_few_or_many_contracts(
    client, django_user_model, django_assert_max_num_queries
):
    client.force_login(django_user_model.objects.create_user("officer"))
    counts = []
    for _ in range(2):
        for _ in range(5):
            contract = act_contract()
            RatingFactory(kpi=KpiFactory(contract=contract))
            ChangeFactory(contract=contract)
            NoticeFactory(contract=contract)
        with django_assert_max_num_queries(20) as captured:
            assert client.get("/reports/publication/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_report_pdf_lists_the_same(client, django_user_model, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "pdfs": {**settings.STORAGES["pdfs"], "OPTIONS": {"location": tmp_path / "pdf"}},
    }
    call_command("load_register", stdout=StringIO())
    client.force_login(django_user_model.objects.create_user("officer"))
    response = client.get("/reports/publication.pdf")
    assert response["Content-Type"] == "application/pdf"
    import subprocess

    path = tmp_path / "report.pdf"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    words = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Publication duties outstanding" in words
    assert "Record the grant's conditions, for publication." in words
