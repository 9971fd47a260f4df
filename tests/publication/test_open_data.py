"""OCDS and 360Giving: the real register's open data validates against the shipped schemas,
offline, and the validator catches what is broken."""

import copy
import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract, EndingReason, Status
from publication.documents import PublishedDocuments
from publication.register import published_register
from publication.validation import SCHEMA_DIR, validate_360giving, validate_ocds
from tests.factories import (
    ChangeFactory,
    ContractFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    KpiFactory,
    ProviderFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db


def packages():
    documents = PublishedDocuments(published_register())
    return documents.ocds_package(), documents.giving_package()


def test_the_schemas_are_the_standards_own_files_in_the_repository():
    names = sorted(path.name for path in SCHEMA_DIR.glob("*.json"))
    assert names == [
        "360-giving-package-schema.json",
        "360-giving-schema.json",
        "release-package-schema.json",
        "release-schema.json",
    ]
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text())
    assert release["id"].endswith("/1__1__5/release-schema.json")


def test_the_real_registers_open_data_validates_with_zero_errors(cumbria):
    ocds, giving = packages()
    assert len(ocds["releases"]) == 18
    assert [grant["title"] for grant in giving["grants"]] == ["Crimestoppers Regional Manager post"]
    assert validate_ocds(ocds) == []
    assert validate_360giving(giving) == []


def test_the_validator_catches_a_broken_release(cumbria):
    ocds, _ = packages()
    broken = copy.deepcopy(ocds)
    del broken["releases"][0]["ocid"]
    broken["releases"][1]["tag"] = ["signed"]
    broken["releases"][2]["contracts"][0]["period"]["endDate"] = "31/03/2025"
    problems = validate_ocds(broken)
    assert "$.releases[0]: 'ocid' is a required property" in problems
    assert any(p.startswith("$.releases[1].tag[0]: 'signed' is not one of") for p in problems)
    assert any(p.startswith("$.releases[2].contracts[0].period.endDate") for p in problems)


def test_the_validator_catches_a_broken_grant(cumbria):
    _, giving = packages()
    broken = copy.deepcopy(giving)
    del broken["grants"][0]["awardDate"]
    broken["grants"][0]["currency"] = "POUNDS"
    problems = validate_360giving(broken)
    assert any("awardDate" in problem for problem in problems)
    assert any("'POUNDS' is not one of" in problem for problem in problems)
    # An empty package is not a 360Giving file (at least one grant).
    assert validate_360giving({"grants": []}) != []


def test_a_contract_with_everything_recorded_validates_and_carries_it():
    provider = ProviderFactory(
        name="Safe Homes CIC",
        company_number="1234567",
        ppon_identifier="GB-PPON-ABCD-1234-EFGH",
        is_sme=True,
        is_vcse=True,
        address="1 High Street, Carlisle CA1 1AA",
        email="contracts@safehomes.example",
    )
    contract = ContractFactory(
        reference="SAFE-HOMES",
        lead_provider=provider,
        is_published=True,
        status=Status.TERMINATED,
        start_date=datetime.date(2024, 4, 1),
        end_date=datetime.date(2026, 3, 31),
        under_procurement_act=True,
        published_copy_url="https://example.gov.uk/copies/safe-homes.pdf",
        copy_redacted=True,
        redaction_reason="Staff names removed",
        ending_reason=EndingReason.BREACH,
        ended_on=datetime.date(2025, 9, 30),
        breach="Service not delivered in the West",
        damages_or_settlement="£5,000 repaid",
    )
    ContractValueFactory(contract=contract, year=2024, amount=Decimal("50000"))
    ContractValueFactory(contract=contract, year=2025, amount=Decimal("50000"))
    ExtensionOptionFactory(contract=contract, year=2026)
    ChangeFactory(contract=contract, value_before=Decimal(100000), value_after=Decimal(115000))
    RatingFactory(kpi=KpiFactory(contract=contract), comment="Above target all year")
    ocds, _ = packages()
    assert validate_ocds(ocds) == []
    release = ocds["releases"][0]
    assert release["ocid"] == "ocds-unregistered-SAFE-HOMES"
    assert release["noticeType"] == "UK7"
    supplier = next(party for party in release["parties"] if "supplier" in party["roles"])
    assert supplier["identifier"] == {
        "scheme": "GB-COH",
        "id": "01234567",
        "legalName": "Safe Homes CIC",
    }
    assert supplier["additionalIdentifiers"][0]["scheme"] == "GB-PPON"
    assert supplier["details"] == {"scale": "sme", "vcse": True}
    assert supplier["contactPoint"] == {"email": "contracts@safehomes.example"}
    section = release["contracts"][0]
    assert section["status"] == "terminated"
    assert section["period"]["maxExtentDate"].startswith("2027-03-31")
    assert [year["financialYear"] for year in section["valueByFinancialYear"]] == [
        "2024/25",
        "2025/26",
    ]
    assert section["amendments"][0]["valueAfter"] == {"amount": 115000.0, "currency": "GBP"}
    assert section["milestones"][0]["rating"] == "Good"
    assert section["termination"]["reason"] == "Terminated for breach"
    assert section["termination"]["damagesOrSettlement"] == "£5,000 repaid"
    assert "redacted" in section["documents"][0]["title"]


def test_validate_open_data_command_reports_zero_errors(cumbria, capsys):
    call_command("validate_open_data")
    output = capsys.readouterr().out
    assert "OCDS (18 contracts): valid, 0 errors" in output
    assert "360Giving (1 grant): valid, 0 errors" in output


def test_validate_open_data_command_fails_on_a_broken_file(cumbria, tmp_path, capsys):
    ocds, _ = packages()
    del ocds["releases"][0]["date"]
    path = tmp_path / "ocds.json"
    path.write_text(json.dumps(ocds))
    with pytest.raises(CommandError):
        call_command("validate_open_data", "--ocds", str(path))
    assert "'date' is a required property" in capsys.readouterr().out


def test_grants_are_not_in_the_ocds_package_and_contracts_not_in_360giving(cumbria):
    ocds, giving = packages()
    ocids = {release["ocid"] for release in ocds["releases"]}
    assert "ocds-unregistered-CRIMESTOPPERS-RM" not in ocids
    assert Contract.objects.grants().count() == 1
    assert [grant["id"] for grant in giving["grants"]] == ["360G-unregistered-CRIMESTOPPERS-RM"]
