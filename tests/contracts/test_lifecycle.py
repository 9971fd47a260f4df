"""Publication rules on a contract, its changes and notices, and the supplier facts of a provider."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from contracts.models import Contract, Status
from tests.factories import ChangeFactory, ContractFactory, NoticeFactory, ProviderFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.mark.parametrize(
    ("fields", "published"),
    [
        ({"is_published": True}, True),
        ({"is_published": False}, False),
        ({"is_published": True, "status": Status.PLANNED}, False),
        ({"is_published": True, "status": Status.PROCUREMENT}, False),
        ({"is_published": True, "status": Status.TERMINATED}, True),
        ({"is_published": True, "published_from": TODAY + datetime.timedelta(days=1)}, False),
        ({"is_published": True, "published_from": TODAY}, True),
    ],
)
def test_a_contract_is_published_when_marked_awarded_and_its_date_has_come(fields, published):
    contract = ContractFactory(**fields)
    assert contract.is_public is published
    assert Contract.objects.published().filter(pk=contract.pk).exists() is published


def test_an_archived_contract_is_never_published():
    contract = ContractFactory(is_published=True)
    contract.archive()
    assert not contract.is_public
    assert not Contract.objects.published().exists()


@override_settings(OCDS_OCID_PREFIX="ocds-abc123")
def test_the_ocid_is_the_office_prefix_and_the_reference_unless_find_a_tender_gave_one():
    assert ContractFactory(reference="VS-CORE").ocid == "ocds-abc123-VS-CORE"
    fts = ContractFactory(procurement_identifier="ocds-h6vhtk-04f1a2")
    assert fts.ocid == "ocds-h6vhtk-04f1a2"


def test_vat_amount_needs_the_flag():
    contract = ContractFactory.build(irrecoverable_vat_amount=Decimal("100"))
    with pytest.raises(ValidationError) as error:
        contract.clean()
    assert "VAT cannot be recovered" in str(error.value)


def test_a_change_gives_its_value_and_term_change_in_per_cent():
    contract = ContractFactory(start_date=datetime.date(2024, 4, 1))
    change = ChangeFactory(
        contract=contract,
        value_before=Decimal("100000"),
        value_after=Decimal("112000"),
        end_before=datetime.date(2025, 3, 30),  # 364 days
        end_after=datetime.date(2025, 5, 5),  # 36 days more
    )
    assert change.value_change_percent == Decimal("12")
    assert round(change.term_change_percent, 1) == Decimal("9.9")


@pytest.mark.parametrize(
    ("act", "light_touch", "after", "needed"),
    [
        (True, False, "110000", False),  # exactly 10%: no notice
        (True, False, "110001", True),
        (True, False, "89000", True),  # a cut counts too
        (True, True, "150000", False),  # light-touch contracts need none
        (False, False, "150000", False),  # not procured under the Act
    ],
)
def test_a_change_notice_is_needed_beyond_ten_per_cent_under_the_act(
    act, light_touch, after, needed
):
    contract = ContractFactory(under_procurement_act=act, light_touch=light_touch)
    change = ChangeFactory(
        contract=contract, value_before=Decimal("100000"), value_after=Decimal(after)
    )
    assert change.needs_change_notice is needed


def test_only_a_change_notice_names_a_change():
    change = ChangeFactory()
    notice = NoticeFactory.build(contract=change.contract, change=change, notice_type="UK7")
    with pytest.raises(ValidationError):
        notice.clean()


def test_a_provider_with_only_a_ppon_identifier_is_identified_by_it():
    provider = ProviderFactory(ppon_identifier="GB-PPON-ABCD-1234-EFGH")
    assert provider.org_id == "GB-PPON-ABCD-1234-EFGH"
    assert ProviderFactory(charity_number="1201000").org_id == "GB-CHC-1201000"


def test_a_malformed_ppon_identifier_is_refused_with_its_shape():
    provider = ProviderFactory.build(ppon_identifier="PPON 12")
    with pytest.raises(ValidationError) as error:
        provider.full_clean(exclude=["name"])
    assert "GB-PPON-ABCD-1234-EFGH" in str(error.value)
