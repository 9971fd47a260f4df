"""As of an earlier day: an option settled, or a decision decided, after that day was still
open on it (the day before, the day of and the day after), in SQL and in Python alike; and
decisions recorded on an end date the contract no longer has."""

import datetime

import pytest
from django.utils import timezone

from contracts.models import (
    Contract,
    DecisionOutcome,
    DecisionState,
    ExtensionOption,
    OpenDecision,
    OptionStatus,
    RenewalDecision,
)
from tests.factories import ContractFactory, ExtensionOptionFactory

pytestmark = pytest.mark.django_db

D = datetime.date
DECIDED = D(2024, 1, 10)


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def contract():
    # Ends 31 March 2025; its 2025/26 option is due for decision by 31 December 2024.
    return ContractFactory(reference="RJ", end_date=D(2025, 3, 31))


def available_in_sql(day):
    return set(ExtensionOption.objects.available_on(day).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("day", "available"),
    [
        (DECIDED - datetime.timedelta(days=1), True),
        (DECIDED, False),
        (DECIDED.replace(day=11), False),
    ],
    ids=["day before", "day of", "day after"],
)
def test_an_option_decided_on_a_day_is_available_until_the_day_before(contract, day, available):
    option = ExtensionOptionFactory(contract=contract, year=2025)
    RenewalDecision(
        contract=contract, option=option, outcome=DecisionOutcome.REPROCURE, decided_on=DECIDED
    ).record()
    option.refresh_from_db()
    assert option.status == OptionStatus.DECLINED

    assert (option.pk in available_in_sql(day)) is available
    assert option.is_available_on(day) is available
    assert (option.pk in {d.option.pk for d in OpenDecision.all_on(day) if d.option}) is available
    contract = Contract.objects.prefetch_related("options", "decisions").get(pk=contract.pk)
    assert any(d.option is not None for d in contract.open_decisions(day)) is available


@pytest.mark.parametrize(
    ("day", "available"),
    [(D(2024, 2, 29), True), (D(2024, 3, 1), False), (D(2024, 3, 2), False)],
    ids=["day before", "day of", "day after"],
)
def test_an_option_exercised_with_no_decision_record_counts_from_the_day_it_was_exercised(
    contract, day, available
):
    option = ExtensionOptionFactory(
        contract=contract,
        year=2025,
        status=OptionStatus.EXERCISED,
        decided_at=noon(D(2024, 3, 1)),
    )

    assert (option.pk in available_in_sql(day)) is available
    assert option.is_available_on(day) is available
    assert (
        option.pk
        in ExtensionOption.objects.decisions_due_within(12, day).values_list("pk", flat=True)
    ) is available


def test_the_decisions_date_wins_over_the_day_it_was_typed_in(contract):
    # Decided in November, recorded in the register in March.
    option = ExtensionOptionFactory(
        contract=contract,
        year=2025,
        status=OptionStatus.DECLINED,
        decided_at=noon(D(2024, 3, 1)),
    )
    RenewalDecision.objects.create(
        contract=contract, option=option, outcome=DecisionOutcome.END, decided_on=D(2023, 11, 1)
    )
    option.refresh_from_db()
    assert option.settled_day() == D(2023, 11, 1)
    assert ExtensionOption.objects.with_settled_on().get().settled_on == D(2023, 11, 1)
    assert not option.is_available_on(D(2024, 1, 1))
    assert option.pk not in available_in_sql(D(2024, 1, 1))


def test_an_option_settled_on_no_known_day_is_read_as_it_is_now(contract):
    option = ExtensionOptionFactory(contract=contract, year=2025, status=OptionStatus.EXERCISED)
    assert option.settled_day() is None
    assert not option.is_available_on(D(2020, 1, 1))
    assert available_in_sql(D(2020, 1, 1)) == set()


@pytest.mark.parametrize(
    ("day", "overdue"),
    [(D(2025, 1, 1), True), (D(2025, 1, 2), False)],
    ids=["decided the day after: still overdue on the day", "decided by then"],
)
def test_an_option_decided_late_was_overdue_until_it_was_decided(contract, day, overdue):
    option = ExtensionOptionFactory(contract=contract, year=2025)  # due by 31 December 2024
    RenewalDecision(
        contract=contract, option=option, outcome=DecisionOutcome.EXTEND, decided_on=D(2025, 1, 2)
    ).record()
    option.refresh_from_db()
    assert (option.pk in ExtensionOption.objects.overdue(day).values_list("pk", flat=True)) is (
        overdue
    )
    assert option.is_overdue(day) is overdue
    flagged = ExtensionOption.objects.with_overdue(day).get(pk=option.pk).is_overdue_on_day
    assert flagged is overdue


@pytest.mark.parametrize(
    ("day", "open_"),
    [(D(2024, 1, 9), True), (D(2024, 1, 10), False), (D(2024, 1, 11), False)],
    ids=["day before", "day of", "day after"],
)
def test_a_contract_end_decided_on_a_day_is_open_until_the_day_before(contract, day, open_):
    RenewalDecision.objects.create(
        contract=contract,
        end_date=contract.end_date,
        outcome=DecisionOutcome.REPROCURE,
        decided_on=DECIDED,
    )
    in_sql = Contract.objects.end_decisions_open(day).filter(pk=contract.pk).exists()
    assert in_sql is open_
    contract = Contract.objects.prefetch_related("options", "decisions").get(pk=contract.pk)
    ends = [d for d in contract.open_decisions(day) if d.option is None]
    assert bool(ends) is open_
    assert (len(contract.decisions_made(day)) == 1) is not open_
    shown = contract.end_decision_on(day)
    if open_:
        assert isinstance(shown, OpenDecision)
        assert shown.state == DecisionState.DUE
    else:
        assert shown.outcome == DecisionOutcome.REPROCURE


def test_an_end_is_not_its_own_decision_on_a_day_an_option_still_continued_it(contract):
    option = ExtensionOptionFactory(contract=contract, year=2025)
    RenewalDecision(
        contract=contract, option=option, outcome=DecisionOutcome.LAPSE, decided_on=DECIDED
    ).record()
    before = D(2024, 1, 9)
    assert not Contract.objects.end_decisions_open(before).filter(pk=contract.pk).exists()
    assert Contract.objects.end_decisions_open(DECIDED).filter(pk=contract.pk).exists()
    contract = Contract.objects.prefetch_related("options", "decisions").get(pk=contract.pk)
    assert [d.option is not None for d in contract.open_decisions(before)] == [True]
    assert [d.option is None for d in contract.open_decisions(DECIDED)] == [True]


# Decisions on an end date the contract no longer has --------------------------------


def moved_contract(django_user_model):
    owner = django_user_model.objects.create_user("jo", first_name="Jo", last_name="Bloggs")
    contract = ContractFactory(reference="MOVED", end_date=D(2024, 3, 31))
    RenewalDecision.objects.create(
        contract=contract,
        end_date=D(2024, 3, 31),
        outcome=DecisionOutcome.EXTEND,
        decided_on=D(2023, 12, 1),
        reference="PCC-2023-41",
        owner=owner,
    )
    RenewalDecision.objects.create(
        contract=contract, end_date=D(2023, 3, 31), due_date=D(2023, 1, 1)
    )
    contract.end_date = D(2025, 3, 31)
    contract.save()
    return contract


def test_earlier_end_decisions_are_history_not_open_nor_made(django_user_model):
    contract = moved_contract(django_user_model)
    contract = Contract.objects.prefetch_related("options", "decisions").get(pk=contract.pk)
    earlier = contract.earlier_decisions()
    assert [record.end_date for record in earlier] == [D(2024, 3, 31), D(2023, 3, 31)]
    assert contract.decisions_made() == []
    assert [d.about for d in contract.open_decisions(D(2024, 6, 1))] == ["End of contract"]


def test_earlier_end_decisions_read_from_the_contracts_own_query_are_the_same(
    django_user_model, django_assert_num_queries
):
    moved_contract(django_user_model)
    with django_assert_num_queries(1):
        contract = Contract.objects.with_earlier_decisions().get(reference="MOVED")
        earlier = contract.earlier_decisions()
        first = earlier[0]
        assert (first.end_date, first.outcome, first.decided_on, first.reference) == (
            D(2024, 3, 31),
            DecisionOutcome.EXTEND,
            D(2023, 12, 1),
            "PCC-2023-41",
        )
        assert first.owner.get_full_name() == "Jo Bloggs"
        assert first.get_outcome_display() == "Extend"
        second = earlier[1]
        assert (second.is_decided, second.due_date, second.owner) == (False, D(2023, 1, 1), None)
    fresh = Contract.objects.prefetch_related("decisions").get(reference="MOVED")
    assert [(r.pk, r.end_date, r.outcome) for r in earlier] == [
        (r.pk, r.end_date, r.outcome) for r in fresh.earlier_decisions()
    ]
