"""Decision dates, overdue options, open decisions, and recording an outcome."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateField, Value
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.expressions import DecisionDate
from contracts.models import (
    Contract,
    DecisionOutcome,
    DecisionState,
    ExtensionOption,
    OpenDecision,
    OptionStatus,
    RenewalDecision,
    Status,
    decision_date_for,
)
from tests.factories import ContractFactory, ContractValueFactory, ExtensionOptionFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_an_options_default_decision_date_is_the_day_before_its_start_less_the_notice_period():
    option = ExtensionOptionFactory(year=2025)  # 1 April 2025, contract with 3 months' notice
    assert option.contract.notice_months == 3
    assert option.decision_date == D(2024, 12, 31)
    assert ExtensionOption.objects.with_decision_date().get().decision_date == D(2024, 12, 31)


def test_the_notice_period_comes_from_the_setting_for_new_contracts(settings):
    settings.DEFAULT_NOTICE_MONTHS = 6
    option = ExtensionOptionFactory(year=2025)
    assert option.contract.notice_months == 6
    assert ExtensionOption.objects.with_decision_date().get().decision_date == D(2024, 9, 30)


def test_a_recorded_decision_date_wins_over_the_default():
    ExtensionOptionFactory(year=2025, decision_due=D(2024, 11, 5))
    assert ExtensionOption.objects.with_decision_date().get().decision_date == D(2024, 11, 5)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 4, 1), 3, D(2024, 12, 31)),
        (D(2024, 5, 31), 3, D(2024, 2, 28)),  # 29 Feb 2024 is the clamped day; the day before
        (D(2025, 5, 31), 3, D(2025, 2, 27)),
        (D(2024, 1, 1), 0, D(2023, 12, 31)),
        (D(2024, 3, 15), 14, D(2023, 1, 14)),
    ],
)
def test_decision_dates_at_month_ends_and_year_turns(start, months, expected):
    assert decision_date_for(start, months) == expected
    assert sql_decision_date(start, months) == expected


def sql_decision_date(start, months):
    """The database's answer, computed over any one contract row."""
    if not Contract.objects.exists():
        ContractFactory()
    return (
        Contract.objects.annotate(
            day=DecisionDate(Value(start, output_field=DateField()), Value(months))
        )
        .values_list("day", flat=True)
        .first()
    )


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=D(1995, 1, 1), max_value=D(2095, 12, 31)),
    months=st.integers(min_value=0, max_value=60),
)
def test_the_sql_decision_date_equals_the_python_one(start, months):
    assert sql_decision_date(start, months) == decision_date_for(start, months)


def test_overdue_means_past_the_decision_date_or_the_period_begun_undecided():
    contract = ContractFactory(end_date=D(2025, 3, 31))
    due_yesterday = ExtensionOptionFactory(contract=contract, year=2025)  # decide by 31 Dec 2024
    later = ExtensionOptionFactory(contract=contract, year=2026)  # decide by 31 Dec 2025
    recorded_late = ExtensionOptionFactory(
        contract=contract, year=2027, decision_due=D(2027, 6, 1)
    )  # recorded after its own start: lapsed unless decided once April 2027 comes
    ExtensionOptionFactory(contract=contract, year=2028, status=OptionStatus.DECLINED)

    assert set(ExtensionOption.objects.overdue(D(2025, 1, 1))) == {due_yesterday}
    assert set(ExtensionOption.objects.overdue(D(2024, 12, 31))) == set()
    assert set(ExtensionOption.objects.overdue(D(2027, 4, 1))) == {
        due_yesterday,
        later,
        recorded_late,
    }
    for option in ExtensionOption.objects.all():
        day = D(2027, 4, 1)
        assert option.is_overdue(day) == ExtensionOption.objects.overdue(day).contains(option)
    assert recorded_late.lapses_unless_decided(D(2027, 4, 1))


def test_an_open_decision_lapses_unless_decided_once_its_period_has_begun():
    option = ExtensionOptionFactory(year=2025, contract__end_date=D(2025, 3, 31))
    [decision] = [d for d in OpenDecision.all_on(D(2025, 4, 2)) if d.option == option]
    assert decision.state == DecisionState.LAPSED_UNLESS_DECIDED
    [decision] = [d for d in OpenDecision.all_on(D(2025, 1, 2)) if d.option == option]
    assert decision.state == DecisionState.OVERDUE
    [decision] = [d for d in OpenDecision.all_on(D(2024, 6, 1)) if d.option == option]
    assert decision.state == DecisionState.DUE


def test_a_contracts_end_is_a_decision_only_when_no_available_option_continues_it():
    plain = ContractFactory(end_date=D(2025, 3, 31))
    with_option = ContractFactory(end_date=D(2025, 3, 31))
    ExtensionOptionFactory(contract=with_option, year=2025)
    open_on = OpenDecision.all_on(D(2024, 6, 1))
    keys = {decision.key for decision in open_on}
    assert f"end:{plain.pk}:2025-03-31" in keys
    assert not any(key.startswith(f"end:{with_option.pk}:") for key in keys)
    [end] = [d for d in open_on if d.option is None]
    assert end.due == D(2024, 12, 31)
    assert {d.key for d in plain.open_decisions(D(2024, 6, 1))} == {end.key}


def test_recording_an_outcome_on_a_contracts_end_closes_it_until_the_end_moves():
    contract = ContractFactory(end_date=D(2025, 3, 31))
    RenewalDecision(
        contract=contract,
        end_date=contract.end_date,
        outcome=DecisionOutcome.REPROCURE,
        decided_on=D(2024, 7, 1),
        reference="PCC-2024-17",
    ).record()
    assert OpenDecision.all_on(D(2024, 8, 1)) == []
    contract.end_date = D(2025, 9, 30)
    contract.save()
    [decision] = OpenDecision.all_on(D(2024, 8, 1))
    assert decision.key == f"end:{contract.pk}:2025-09-30"
    assert decision.due == D(2025, 6, 30)


def test_the_owner_is_the_one_named_on_the_decision_else_the_contract_manager(django_user_model):
    manager = django_user_model.objects.create_user("manager")
    deputy = django_user_model.objects.create_user("deputy")
    contract = ContractFactory(end_date=D(2025, 3, 31), owner=manager)
    option = ExtensionOptionFactory(contract=contract, year=2026)
    ExtensionOptionFactory(contract=contract, year=2025)
    RenewalDecision.objects.create(contract=contract, option=option, owner=deputy)
    owners = {d.option.start_date.year: d.owner for d in OpenDecision.all_on(D(2024, 6, 1))}
    assert owners == {2025: manager, 2026: deputy}
    assert [d.option for d in OpenDecision.all_on(D(2024, 6, 1), owner=deputy)] == [option]
    assert len(OpenDecision.all_on(D(2024, 6, 1), owner=manager)) == 1


def test_recording_extend_on_an_option_exercises_it_in_the_same_transaction():
    contract = ContractFactory(end_date=D(2025, 3, 31))
    ContractValueFactory(contract=contract, year=2024)
    option = ExtensionOptionFactory(contract=contract, year=2025)
    RenewalDecision(
        contract=contract,
        option=option,
        outcome=DecisionOutcome.EXTEND,
        decided_on=D(2024, 11, 1),
        reference="PCC-1",
    ).record()
    option.refresh_from_db()
    contract.refresh_from_db()
    assert option.status == OptionStatus.EXERCISED
    assert contract.end_date == D(2026, 3, 31)
    assert contract.status == Status.EXTENDED
    assert contract.values.count() == 2


def test_a_refused_exercise_records_no_decision():
    contract = ContractFactory(end_date=D(2025, 3, 31), status=Status.TERMINATED)
    option = ExtensionOptionFactory(contract=contract, year=2025)
    with pytest.raises(ValidationError, match="only a live or extended contract"):
        RenewalDecision(
            contract=contract,
            option=option,
            outcome=DecisionOutcome.EXTEND,
            decided_on=D(2024, 11, 1),
        ).record()
    assert not RenewalDecision.objects.exists()
    option.refresh_from_db()
    assert option.status == OptionStatus.AVAILABLE


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (DecisionOutcome.LAPSE, OptionStatus.LAPSED),
        (DecisionOutcome.END, OptionStatus.DECLINED),
        (DecisionOutcome.REPROCURE, OptionStatus.DECLINED),
    ],
)
def test_other_outcomes_settle_the_option(outcome, status):
    option = ExtensionOptionFactory(year=2025)
    RenewalDecision(
        contract=option.contract, option=option, outcome=outcome, decided_on=D(2024, 1, 2)
    ).record()
    option.refresh_from_db()
    assert option.status == status
    assert ExtensionOption.objects.overdue(D(2026, 1, 1)).count() == 0


def test_the_database_refuses_a_decision_with_an_outcome_but_no_date():
    contract = ContractFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalDecision.objects.create(
            contract=contract, end_date=contract.end_date, outcome=DecisionOutcome.END
        )


def test_the_database_refuses_two_decisions_on_the_same_contract_end():
    contract = ContractFactory()
    RenewalDecision.objects.create(contract=contract, end_date=contract.end_date)
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalDecision.objects.create(contract=contract, end_date=contract.end_date)
