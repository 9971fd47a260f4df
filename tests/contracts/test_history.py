from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from contracts.history import contract_history
from contracts.models import Contract, OptionStatus
from tests.factories import (
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    OutcomeFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db


def saved_by(user, instance, **changes):
    """Save ``instance`` as ``user`` would through a page: simple-history records who."""
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()
    return instance


def lines(contract):
    return [entry.line for entry in contract_history(contract)]


def test_a_changed_yearly_value_reads_as_a_sentence_with_who_and_when(editor):
    value = ContractValueFactory(year=2024, amount=Decimal("130000"))
    saved_by(editor, value, amount=Decimal("135000"))

    today = timezone.localdate()
    assert (
        f"Year 2024/25 value changed from £130,000 to £135,000 by Jane Smith on "
        f"{today.day} {today:%B %Y}"
    ) in lines(value.contract)


def test_additions_removals_and_field_changes_are_all_told(editor):
    contract = ContractFactory(title="Victim support")
    saved_by(editor, contract, title="Victim support service", status="extended")
    value = ContractValueFactory(contract=contract, year=2023, amount=Decimal("99.50"))
    value.delete()
    ExtensionOptionFactory(contract=contract, year=2026, amount=Decimal("130000"))
    outcome = OutcomeFactory(contract=contract, text="87% of IDVA clients felt safer")
    saved_by(editor, outcome, text="88% of IDVA clients felt safer")
    ContractPartnerFactory(contract=contract, provider=ProviderFactory(name="Age UK"), area="North")
    contract.archive()

    sentences = [entry.sentence for entry in contract_history(contract)]

    assert "Contract added to the register" in sentences
    assert "Title changed from “Victim support” to “Victim support service”" in sentences
    assert "Status changed from Live to Extended" in sentences
    assert "Year 2023/24 value of £99.50 added" in sentences
    assert "Year 2023/24 value of £99.50 removed" in sentences
    assert "Year 2026/27 extension option of £130,000 added" in sentences
    assert "Outcome “87% of IDVA clients felt safer” added" in sentences
    assert (
        "Outcome “87% of IDVA clients felt safer” reworded as “88% of IDVA clients felt safer”"
        in sentences
    )
    assert "Age UK (North) added as delivery partner" in sentences
    assert sentences[0] == "Archived"


def test_an_exercised_option_says_so_and_the_new_value_appears(editor):
    option = ExtensionOptionFactory(year=2025, amount=Decimal("130000"))
    option.exercise()
    sentences = [entry.sentence for entry in contract_history(option.contract)]
    assert "Year 2025/26 extension option exercised" in sentences
    assert "Year 2025/26 value of £130,000 added" in sentences
    assert option.status == OptionStatus.EXERCISED


def test_a_changed_provider_is_named_not_numbered(editor):
    contract = ContractFactory(lead_provider=ProviderFactory(name="Victim Support"))
    saved_by(editor, contract, lead_provider=ProviderFactory(name="Safer Futures"))
    assert "Lead provider changed from Victim Support to Safer Futures" in [
        entry.sentence for entry in contract_history(contract)
    ]


def test_changes_without_a_signed_in_user_are_said_to_be_an_import_or_script():
    contract = ContractFactory()
    assert contract_history(contract)[0].who == "an import or script"


def test_the_history_takes_the_same_number_of_queries_however_long_it_is(
    editor, django_assert_max_num_queries
):
    short = ContractFactory()
    long = ContractFactory()
    for year in range(2015, 2025):
        value = ContractValueFactory(contract=long, year=year)
        saved_by(editor, value, amount=Decimal("20000"))
        OutcomeFactory(contract=long)
        ContractPartnerFactory(contract=long)
        saved_by(editor, long, title=f"Title {year}", lead_provider=ProviderFactory())

    template = Template("{% load contract_history %}{% contract_history contract %}")
    with django_assert_max_num_queries(10) as short_queries:
        template.render(Context({"contract": short}))
    with django_assert_max_num_queries(10) as long_queries:
        html = template.render(Context({"contract": long}))
    assert len(long_queries.captured_queries) <= len(short_queries.captured_queries) + 3
    assert "Title changed from “Title 2023” to “Title 2024” by Jane Smith" in html


def test_html_in_a_changed_title_is_shown_escaped_in_the_history(editor):
    contract = ContractFactory(title="Plain")
    saved_by(editor, contract, title="<script>alert(1)</script>")
    html = Template("{% load contract_history %}{% contract_history contract %}").render(
        Context({"contract": contract})
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_archived_contract_keeps_its_history_and_leaves_the_register(editor):
    contract = ContractFactory(title="Victim support")
    saved_by(editor, contract, title="Victim support service")
    contract.archive()
    assert not Contract.objects.current().filter(pk=contract.pk).exists()
    sentences = [entry.sentence for entry in contract_history(contract)]
    assert sentences[:2] == [
        "Archived",
        "Title changed from “Victim support” to “Victim support service”",
    ]


def test_the_contract_page_shows_its_history_in_plain_words(editor, viewer_client):
    value = ContractValueFactory(year=2024, amount=Decimal("130000"))
    saved_by(editor, value, amount=Decimal("135000"))

    response = viewer_client.get(value.contract.get_absolute_url())

    page = response.content.decode()
    assert "Year 2024/25 value changed from £130,000 to £135,000 by Jane Smith on" in page
    assert "with the option to revert, in admin" not in page  # a viewer cannot revert


def test_an_editor_is_pointed_to_admin_to_revert(editor, editor_client):
    contract = ContractFactory()
    page = editor_client.get(contract.get_absolute_url()).content.decode()
    assert f"/admin/contracts/contract/{contract.pk}/history/" in page
