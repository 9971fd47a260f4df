"""A decision recorded on an end date the contract no longer has (its end date moved since)
is shown on the contract's page, as history."""

import datetime

import pytest

from contracts.models import DecisionOutcome, RenewalDecision
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_contract_page_shows_decisions_on_its_earlier_end_dates(staff_client, django_user_model):
    owner = django_user_model.objects.create_user("ann", first_name="Ann", last_name="Owner")
    contract = ContractFactory(reference="RJ", end_date=D(2024, 3, 31))
    RenewalDecision.objects.create(
        contract=contract,
        end_date=D(2024, 3, 31),
        outcome=DecisionOutcome.EXTEND,
        decided_on=D(2023, 12, 1),
        reference="PCC-41",
        owner=owner,
    )
    RenewalDecision.objects.create(contract=contract, end_date=D(2023, 3, 31), owner=owner)
    contract.end_date = D(2099, 3, 31)
    contract.save()

    page = staff_client.get("/contracts/RJ/").content.decode()

    earlier = page.split('id="earlier-decisions"', 1)[1].split("</ul>", 1)[0]
    assert (
        "End of contract on 31 March 2024: <strong>Extend</strong>, decided 1 December 2023 "
        "(reference PCC-41) by Ann Owner." in earlier
    )
    assert (
        "End of contract on 31 March 2023: not decided before the end date moved; owner Ann Owner."
        in earlier
    )
    assert earlier.index("2024") < earlier.index("2023")  # latest end date first
    # Not among the decisions made on its current end, nor open.
    assert 'id="decisions-made"' not in page
    open_table = page.split('id="open-decisions"', 1)[1].split("</table>", 1)[0]
    assert "End of contract" in open_table and "31 March 2024" not in open_table
