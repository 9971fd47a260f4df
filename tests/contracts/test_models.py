"""Contracts: derived status, values per year, totals, options, and what the database refuses."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from commissioning.fy import FinancialYear
from contracts.models import (
    Contract,
    ContractValue,
    ExtensionOption,
    OptionStatus,
    Status,
    add_months,
)
from tests.factories import (
    CategoryFactory,
    CommissioningBodyFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2024, 6, 15)


def days(n):
    return datetime.timedelta(days=n)


def references(queryset):
    return sorted(contract.reference for contract in queryset)


# Derived status -------------------------------------------------------------


def test_a_live_contract_past_its_end_date_is_ended():
    contract = ContractFactory(status=Status.LIVE, end_date=timezone.localdate() - days(1))
    assert contract.current_status == Status.ENDED
    assert contract.current_status_label == "Ended"
    assert Contract.objects.with_status().get().current_status == Status.ENDED


def test_a_contract_ending_today_is_still_live():
    contract = ContractFactory(status=Status.LIVE, end_date=timezone.localdate())
    assert contract.current_status == Status.LIVE
    assert contract.days_left() == 0
    assert Contract.objects.with_status().get().current_status == Status.LIVE


def test_an_extended_contract_past_its_end_is_ended_too():
    ContractFactory(reference="EXT", status=Status.EXTENDED, end_date=TODAY - days(1))
    assert Contract.objects.with_status(today=TODAY).get().current_status == Status.ENDED


@pytest.mark.parametrize("status", [Status.PLANNED, Status.PROCUREMENT, Status.TERMINATED])
def test_a_contract_not_running_keeps_its_status_whatever_its_dates(status):
    contract = ContractFactory(status=status, end_date=timezone.localdate() - days(400))
    assert contract.current_status == status
    assert Contract.objects.with_status().get().current_status == status


def test_an_open_ended_contract_never_ends_by_date():
    contract = ContractFactory(status=Status.LIVE, start_date=None, end_date=None)
    assert contract.current_status == Status.LIVE
    assert contract.days_left() is None
    assert contract.max_end_date is None
    assert list(Contract.objects.live(today=TODAY)) == [contract]


# Ending soon: days_left, ending_band and their SQL twin ------------------------


@pytest.mark.parametrize(
    ("end_date", "status", "days_left", "band"),
    [
        (TODAY, Status.LIVE, 0, 3),
        (D(2024, 9, 15), Status.LIVE, 92, 3),
        (D(2024, 9, 16), Status.EXTENDED, 93, 6),
        (D(2024, 12, 15), Status.LIVE, 183, 6),
        (D(2024, 12, 16), Status.LIVE, 184, 12),
        (D(2025, 6, 15), Status.LIVE, 365, 12),
        (D(2025, 6, 16), Status.LIVE, None, None),
        (TODAY - days(1), Status.LIVE, None, None),
        (TODAY + days(5), Status.PLANNED, None, None),
        (TODAY + days(5), Status.TERMINATED, None, None),
        (None, Status.LIVE, None, None),
    ],
)
def test_ending_soon_counts_days_left_and_bands_at_their_edges(end_date, status, days_left, band):
    contract = ContractFactory(status=status, end_date=end_date)
    assert contract.days_left(TODAY) == days_left
    assert contract.ending_band(TODAY) == band
    annotated = Contract.objects.with_ending_band(TODAY).get()
    assert annotated.ending_within_months == band
    assert Contract.objects.ending_soon(TODAY).exists() == (band is not None)


def test_ends_in_words_says_the_days_left_in_one_sentence():
    assert ContractFactory(end_date=TODAY + days(1)).ends_in_words(TODAY) == "ends in 1 day"
    assert ContractFactory(end_date=TODAY + days(30)).ends_in_words(TODAY) == "ends in 30 days"
    assert ContractFactory(end_date=TODAY + days(400)).ends_in_words(TODAY) == ""


def test_in_status_filters_on_the_derived_status():
    ContractFactory(reference="RUNNING", status=Status.LIVE, end_date=TODAY)
    ContractFactory(reference="LAPSED", status=Status.LIVE, end_date=TODAY - days(1))
    ContractFactory(reference="STORED-END", status=Status.ENDED, end_date=TODAY + days(9))
    ContractFactory(reference="PLAN", status=Status.PLANNED, end_date=None)
    ended = Contract.objects.in_status(Status.ENDED, today=TODAY)
    assert references(ended) == ["LAPSED", "STORED-END"]
    running = Contract.objects.in_status(Status.LIVE, Status.EXTENDED, today=TODAY)
    assert references(running) == references(Contract.objects.live(today=TODAY)) == ["RUNNING"]


def test_live_leaves_out_planned_ended_and_terminated_contracts():
    ContractFactory(reference="A", status=Status.LIVE, end_date=TODAY + days(1))
    ContractFactory(reference="B", status=Status.EXTENDED, end_date=None)
    ContractFactory(reference="C", status=Status.PLANNED, end_date=TODAY + days(100))
    ContractFactory(reference="D", status=Status.TERMINATED, end_date=TODAY + days(100))
    ContractFactory(reference="E", status=Status.ENDED, end_date=TODAY + days(100))
    assert references(Contract.objects.live(today=TODAY)) == ["A", "B"]


# ending_within --------------------------------------------------------------


def test_ending_within_includes_today_and_the_last_day_of_the_window():
    ContractFactory(reference="TODAY", end_date=TODAY)
    ContractFactory(reference="EDGE", end_date=D(2024, 12, 15))
    ContractFactory(reference="AFTER", end_date=D(2024, 12, 16))
    ContractFactory(reference="PAST", end_date=TODAY - days(1))
    ContractFactory(reference="OPEN", end_date=None)
    ContractFactory(reference="PLANNED", status=Status.PLANNED, end_date=TODAY + days(5))
    assert references(Contract.objects.ending_within(6, TODAY)) == ["EDGE", "TODAY"]


def test_ending_within_a_window_that_ends_in_february_stops_on_its_last_day():
    ContractFactory(reference="LEAP", end_date=D(2024, 2, 29))
    ContractFactory(reference="MARCH", end_date=D(2024, 3, 1))
    soon = Contract.objects.ending_within(6, D(2023, 8, 31))
    assert references(soon) == ["LEAP"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2022, 8, 31), 6, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 3, 31), 12, D(2025, 3, 31)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 6, 15), 0, D(2024, 6, 15)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
    ],
)
def test_add_months_keeps_the_day_or_the_last_day_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


# active_in ------------------------------------------------------------------


def test_active_in_finds_contracts_running_or_paid_in_the_year():
    ContractFactory(reference="RUNS", start_date=D(2023, 1, 1), end_date=D(2023, 4, 1))
    ContractFactory(reference="BEFORE", start_date=D(2022, 4, 1), end_date=D(2023, 3, 31))
    ContractFactory(reference="AFTER", start_date=D(2024, 4, 1), end_date=D(2025, 3, 31))
    ContractFactory(reference="NO-END", start_date=D(2020, 4, 1), end_date=None)
    ContractFactory(reference="NO-START", start_date=None, end_date=D(2024, 3, 31))
    ContractFactory(reference="UNDATED", start_date=None, end_date=None)
    paid = ContractFactory(reference="PAID", start_date=None, end_date=None)
    ContractValueFactory(contract=paid, year=2023)
    active = Contract.objects.active_in("2023/24")
    assert references(active) == ["NO-END", "NO-START", "PAID", "RUNS"]


def test_active_in_counts_a_contract_once_however_many_values_it_has():
    contract = ContractFactory(start_date=D(2023, 4, 1), end_date=D(2024, 3, 31))
    ContractValueFactory(contract=contract, year=2023, amount=Decimal(1))
    ContractValueFactory(contract=contract, year=2023, amount=Decimal(2))
    assert Contract.objects.active_in(FinancialYear(2023)).count() == 1


# Values per year -------------------------------------------------------------


@pytest.fixture
def three_year_contract():
    """Year 1 01/04/22–31/03/23 £129,500, then a value over a period that spans a year end."""
    contract = ContractFactory(reference="IDVA", start_date=D(2022, 4, 1), end_date=D(2024, 9, 30))
    ContractValueFactory(contract=contract, year=2022, amount=Decimal("129500.00"))
    ContractValueFactory(
        contract=contract,
        start_date=D(2023, 4, 1),
        end_date=D(2024, 9, 30),
        amount=Decimal("55171.50"),
    )
    return contract


def test_value_in_a_year_apportions_a_period_that_spans_a_year_end(three_year_contract):
    # 1 April 2023 to 30 September 2024: 549 days, 366 of them in 2023/24 (it has 29 February).
    assert three_year_contract.value_in("2022/23") == Decimal("129500.00")
    assert three_year_contract.value_in("2023/24") == Decimal("36781.00")
    assert three_year_contract.value_in("2024/25") == Decimal("18390.50")
    assert three_year_contract.value_in("2025/26") == Decimal("0")


def test_values_by_year_add_up_to_the_total(three_year_contract):
    by_year = three_year_contract.values_by_year()
    assert list(by_year) == [FinancialYear(2022), FinancialYear(2023), FinancialYear(2024)]
    assert sum(by_year.values()) == three_year_contract.total_value == Decimal("184671.50")


def test_with_value_in_matches_value_in_for_every_contract(three_year_contract):
    other = ContractFactory(reference="OTHER")
    ContractValueFactory(contract=other, year=2023, amount=Decimal("994502"))
    ContractFactory(reference="NOTHING")
    for year in ("2022/23", "2023/24", "2024/25"):
        rows = Contract.objects.with_value_in(year).order_by("reference")
        assert {row.reference: row.value_in_year for row in rows} == {
            contract.reference: contract.value_in(year) for contract in Contract.objects.all()
        }


def test_with_value_in_takes_a_name_for_the_annotation(three_year_contract):
    row = Contract.objects.with_value_in(FinancialYear(2024), name="next_year").get()
    assert row.next_year == Decimal("18390.50")


def test_total_in_year_sums_every_contracts_share(three_year_contract):
    ContractValueFactory(year=2023, amount=Decimal("1000.00"))
    assert ContractValue.objects.total_in_year("2023/24") == Decimal("37781.00")
    assert ContractValue.objects.total_in_year("2019/20") == Decimal("0.00")


def test_totals_by_year_for_the_whole_register(three_year_contract):
    years = [FinancialYear(2022), FinancialYear(2023), FinancialYear(2024)]
    assert ContractValue.objects.totals_by_year(years) == {
        None: {
            FinancialYear(2022): Decimal("129500.00"),
            FinancialYear(2023): Decimal("36781.00"),
            FinancialYear(2024): Decimal("18390.50"),
        }
    }


def test_totals_by_year_do_not_depend_on_the_order_the_years_are_given(three_year_contract):
    totals = ContractValue.objects.totals_by_year(["2024/25", "2022/23"])
    assert totals == {
        None: {FinancialYear(2024): Decimal("18390.50"), FinancialYear(2022): Decimal("129500.00")}
    }


def test_totals_by_year_grouped_by_funding_stream(three_year_contract):
    victims = FundingStreamFactory(name="MoJ victims grant")
    ContractValueFactory(year=2023, amount=Decimal("500"), funding_stream=victims)
    ContractValueFactory(year=2023, amount=Decimal("250.50"), funding_stream=victims)
    totals = ContractValue.objects.totals_by_year(["2023/24"], group_by="funding_stream")
    assert totals == {
        None: {FinancialYear(2023): Decimal("36781.00")},
        victims.pk: {FinancialYear(2023): Decimal("750.50")},
    }


def test_totals_by_year_with_no_years_is_empty():
    assert ContractValue.objects.totals_by_year([]) == {}


def test_totals_by_year_agree_with_the_python_apportionment(three_year_contract):
    years = [FinancialYear(y) for y in range(2021, 2026)]
    totals = ContractValue.objects.totals_by_year(years)[None]
    assert totals == {year: three_year_contract.value_in(year) for year in years}


def test_annual_value_is_this_years_value_or_else_the_latest_years():
    this_year = FinancialYear.current()
    current = ContractFactory()
    ContractValueFactory(contract=current, year=this_year.start_year, amount=Decimal("700"))
    ContractValueFactory(contract=current, year=this_year.start_year - 1, amount=Decimal("600"))
    assert current.annual_value == Decimal("700")
    finished = ContractFactory()
    ContractValueFactory(contract=finished, year=2021, amount=Decimal("300"))
    ContractValueFactory(contract=finished, year=2022, amount=Decimal("400"))
    assert finished.annual_value == Decimal("400")
    assert ContractFactory().annual_value == Decimal("0")


# Totals and options ------------------------------------------------------------


@pytest.fixture
def contract_with_options():
    contract = ContractFactory(reference="OPT", start_date=D(2023, 4, 1), end_date=D(2025, 3, 31))
    ContractValueFactory(contract=contract, year=2023, amount=Decimal("130000"))
    ContractValueFactory(contract=contract, year=2024, amount=Decimal("130000"))
    ExtensionOptionFactory(contract=contract, year=2025, amount=Decimal("130000"))
    ExtensionOptionFactory(contract=contract, year=2026, amount=Decimal("130000"))
    ExtensionOptionFactory(
        contract=contract, year=2027, amount=Decimal("99"), status=OptionStatus.DECLINED
    )
    return contract


def test_options_remaining_are_the_available_ones(contract_with_options):
    remaining = contract_with_options.options_remaining
    assert [option.financial_year for option in remaining] == [
        FinancialYear(2025),
        FinancialYear(2026),
    ]
    assert contract_with_options.max_end_date == D(2027, 3, 31)
    assert contract_with_options.total_value == Decimal("260000")
    assert contract_with_options.options_value == Decimal("260000")
    assert contract_with_options.total_value_with_options == Decimal("520000")


def test_with_totals_gives_the_same_figures_as_the_properties(
    contract_with_options, django_assert_num_queries
):
    ContractFactory(reference="EMPTY")
    with django_assert_num_queries(1):
        rows = {row.reference: row for row in Contract.objects.with_totals()}
        assert rows["OPT"].total_value == Decimal("260000")
        assert rows["OPT"].total_value_with_options == Decimal("520000")
        assert rows["EMPTY"].total_value == rows["EMPTY"].options_value == Decimal("0")


def test_an_option_without_a_stated_amount_adds_no_value_but_extends_the_end():
    contract = ContractFactory(end_date=D(2025, 3, 31))
    ExtensionOptionFactory(contract=contract, year=2025, amount=None)
    assert contract.options_value == Decimal("0")
    assert contract.max_end_date == D(2026, 3, 31)
    assert Contract.objects.with_totals().get().options_amount == Decimal("0")


def test_with_options_remaining_flags_contracts_with_an_available_option(contract_with_options):
    ContractFactory(reference="NONE")
    declined_only = ContractFactory(reference="DECLINED")
    ExtensionOptionFactory(contract=declined_only, status=OptionStatus.DECLINED)
    flags = {
        c.reference: c.has_options_remaining for c in Contract.objects.with_options_remaining()
    }
    assert flags == {"OPT": True, "NONE": False, "DECLINED": False}


def test_decisions_due_within_includes_overdue_and_leaves_out_decided_options():
    contract = ContractFactory()
    ExtensionOptionFactory(contract=contract, year=2025, decision_due=D(2024, 1, 1))
    ExtensionOptionFactory(contract=contract, year=2026, decision_due=D(2024, 9, 15))
    ExtensionOptionFactory(contract=contract, year=2027, decision_due=D(2024, 9, 16))
    ExtensionOptionFactory(contract=contract, year=2028, decision_due=None)
    ExtensionOptionFactory(
        contract=contract, year=2029, decision_due=D(2024, 7, 1), status=OptionStatus.DECLINED
    )
    due = ExtensionOption.objects.decisions_due_within(3, TODAY)
    assert [option.start_date.year for option in due] == [2025, 2026]


# Exercising and declining options -------------------------------------------------


def test_exercising_an_option_commits_its_value_and_moves_the_end_date(contract_with_options):
    option = contract_with_options.options.get(start_date=D(2025, 4, 1))
    contract = option.exercise()
    contract.refresh_from_db()
    option.refresh_from_db()
    assert option.status == OptionStatus.EXERCISED
    assert option.decided_at is not None
    assert contract.end_date == D(2026, 3, 31)
    assert contract.status == Status.EXTENDED
    assert contract.value_in("2025/26") == Decimal("130000")
    assert contract.total_value == Decimal("390000")
    assert contract.options_value == Decimal("130000")
    assert contract.total_value_with_options == Decimal("520000")
    assert contract.max_end_date == D(2027, 3, 31)


def test_exercising_an_option_keeps_its_funding_stream_and_payer():
    stream = FundingStreamFactory()
    payer = CommissioningBodyFactory()
    option = ExtensionOptionFactory(funding_stream=stream, payer=payer)
    option.exercise()
    value = ContractValue.objects.get()
    assert (value.funding_stream, value.payer) == (stream, payer)


def test_exercising_an_option_never_shortens_the_contract():
    contract = ContractFactory(end_date=D(2030, 3, 31))
    ExtensionOptionFactory(contract=contract, year=2025).exercise()
    contract.refresh_from_db()
    assert contract.end_date == D(2030, 3, 31)


def test_exercising_an_option_without_an_amount_moves_the_end_but_adds_no_value():
    option = ExtensionOptionFactory(amount=None)
    option.exercise()
    assert ContractValue.objects.count() == 0
    assert Contract.objects.get().end_date == D(2026, 3, 31)


@pytest.mark.parametrize(
    "status", [OptionStatus.EXERCISED, OptionStatus.DECLINED, OptionStatus.LAPSED]
)
def test_only_an_available_option_can_be_exercised(status):
    option = ExtensionOptionFactory(status=status)
    with pytest.raises(ValidationError, match="only an available option"):
        option.exercise()
    assert ContractValue.objects.count() == 0
    assert Contract.objects.get().end_date == D(2025, 3, 31)


@pytest.mark.parametrize(
    "status", [Status.PLANNED, Status.PROCUREMENT, Status.ENDED, Status.TERMINATED]
)
def test_only_a_running_contract_can_be_extended(status):
    option = ExtensionOptionFactory(contract=ContractFactory(status=status))
    with pytest.raises(ValidationError, match="only a live or extended contract"):
        option.exercise()
    option.refresh_from_db()
    assert option.status == OptionStatus.AVAILABLE
    assert ContractValue.objects.count() == 0
    assert Contract.objects.get().end_date == D(2025, 3, 31)


def test_an_option_can_be_exercised_just_after_a_live_contract_ended():
    contract = ContractFactory(status=Status.LIVE, end_date=timezone.localdate() - days(3))
    option = ExtensionOptionFactory(
        contract=contract,
        start_date=contract.end_date + days(1),
        end_date=contract.end_date + days(365),
    )
    option.exercise()
    contract.refresh_from_db()
    assert contract.current_status == Status.EXTENDED


def test_an_option_exercised_elsewhere_cannot_be_exercised_again_from_a_stale_copy():
    option = ExtensionOptionFactory()
    stale = ExtensionOption.objects.get(pk=option.pk)
    option.exercise()
    with pytest.raises(ValidationError):
        stale.exercise()
    assert ContractValue.objects.count() == 1


def test_an_option_exercised_elsewhere_cannot_then_be_declined_from_a_stale_copy():
    option = ExtensionOptionFactory()
    stale = ExtensionOption.objects.get(pk=option.pk)
    option.exercise()
    with pytest.raises(ValidationError):
        stale.decline()
    assert ExtensionOption.objects.get().status == OptionStatus.EXERCISED


def test_declining_an_option_removes_it_from_what_remains(contract_with_options):
    option = contract_with_options.options.get(start_date=D(2026, 4, 1))
    option.decline()
    option.refresh_from_db()
    assert option.status == OptionStatus.DECLINED
    assert option.decided_at is not None
    contract = Contract.objects.get()
    assert contract.max_end_date == D(2026, 3, 31)
    assert contract.options_value == Decimal("130000")
    with pytest.raises(ValidationError):
        option.decline()
    with pytest.raises(ValidationError):
        option.exercise()


def test_an_option_overlapping_committed_values_is_refused_by_clean(contract_with_options):
    option = ExtensionOption(
        contract=contract_with_options,
        start_date=D(2024, 10, 1),
        end_date=D(2025, 9, 30),
        amount=Decimal("1000"),
    )
    with pytest.raises(ValidationError) as error:
        option.full_clean()
    assert "overlaps the contract's value for 2024/25" in str(error.value)


def test_an_option_after_the_committed_values_is_accepted(contract_with_options):
    option = ExtensionOption(
        contract=contract_with_options,
        start_date=D(2027, 4, 1),
        end_date=D(2028, 3, 31),
        amount=Decimal("1000"),
    )
    option.full_clean()


# Validation in clean() ----------------------------------------------------------


def test_clean_refuses_a_contract_that_ends_before_it_starts():
    contract = ContractFactory.build(start_date=D(2024, 4, 1), end_date=D(2024, 3, 31))
    with pytest.raises(ValidationError) as error:
        contract.clean()
    assert "end_date" in error.value.message_dict


def test_clean_refuses_a_value_that_ends_before_it_starts():
    value = ContractValueFactory.build(start_date=D(2024, 4, 1), end_date=D(2024, 3, 31))
    with pytest.raises(ValidationError) as error:
        value.clean()
    assert "end_date" in error.value.message_dict


def test_full_clean_refuses_a_negative_value_and_a_date_outside_the_register():
    value = ContractValueFactory.build(
        contract=ContractFactory(), amount=Decimal("-1"), start_date=D(1980, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert {"amount", "start_date"} <= set(error.value.message_dict)


def test_a_contract_cannot_be_its_own_parent_or_grandparent():
    main = ContractFactory(reference="MAIN")
    sub = ContractFactory(reference="SUB", parent=main)
    main.parent = main
    with pytest.raises(ValidationError, match="sub-line of itself"):
        main.clean()
    main.parent = sub
    with pytest.raises(ValidationError, match="itself a sub-line of this contract"):
        main.clean()


# Constraints the database enforces -------------------------------------------------


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_the_database_refuses_negative_amounts():
    contract = ContractFactory()
    assert_refused_by_database(
        lambda: ContractValueFactory(contract=contract, amount=Decimal("-0.01"))
    )
    assert_refused_by_database(
        lambda: ExtensionOptionFactory(contract=contract, amount=Decimal("-5"))
    )


def test_the_database_refuses_periods_that_end_before_they_start():
    assert_refused_by_database(
        lambda: ContractFactory(start_date=D(2024, 4, 1), end_date=D(2024, 3, 31))
    )
    contract = ContractFactory()
    assert_refused_by_database(
        lambda: ContractValueFactory(
            contract=contract, start_date=D(2024, 4, 1), end_date=D(2024, 3, 31)
        )
    )
    assert_refused_by_database(
        lambda: ExtensionOptionFactory(
            contract=contract, start_date=D(2026, 4, 1), end_date=D(2026, 3, 31)
        )
    )


def test_a_contract_may_start_and_end_on_the_same_day():
    ContractFactory(start_date=D(2024, 4, 1), end_date=D(2024, 4, 1))


def test_the_database_refuses_a_duplicate_reference():
    ContractFactory(reference="VS-CORE")
    assert_refused_by_database(lambda: ContractFactory(reference="VS-CORE"))


def test_the_database_refuses_the_same_partner_twice_in_one_area():
    partner = ContractPartnerFactory(area="North")
    assert_refused_by_database(
        lambda: ContractPartnerFactory(
            contract=partner.contract, provider=partner.provider, area="North"
        )
    )
    ContractPartnerFactory(contract=partner.contract, provider=partner.provider, area="South")


def test_deleting_a_provider_a_contract_uses_is_refused():
    lead = ProviderFactory(name="Lead")
    partner = ProviderFactory(name="Partner")
    contract = ContractFactory(lead_provider=lead)
    ContractPartnerFactory(contract=contract, provider=partner)
    with pytest.raises(ProtectedError):
        lead.delete()
    with pytest.raises(ProtectedError):
        partner.delete()


def test_deleting_a_body_category_or_stream_in_use_is_refused():
    body = CommissioningBodyFactory()
    category = CategoryFactory()
    payer = CommissioningBodyFactory()
    stream = FundingStreamFactory()
    contract = ContractFactory(lead_commissioner=body, category=category)
    ContractValueFactory(contract=contract, payer=payer, funding_stream=stream)
    for in_use in (body, category, payer, stream):
        with pytest.raises(ProtectedError):
            in_use.delete()


def test_deleting_a_main_contract_with_sub_lines_is_refused():
    main = ContractFactory()
    ContractFactory(parent=main)
    with pytest.raises(ProtectedError):
        main.delete()


def test_deleting_a_contract_takes_its_values_and_options_with_it(contract_with_options):
    contract_with_options.delete()
    assert ContractValue.objects.count() == ExtensionOption.objects.count() == 0


# Archive, providers and bodies ----------------------------------------------------------


def test_archiving_hides_a_contract_from_the_current_register():
    kept = ContractFactory(reference="KEPT")
    gone = ContractFactory(reference="GONE")
    gone.archive()
    assert references(Contract.objects.current()) == ["KEPT"]
    assert references(Contract.objects.archived()) == ["GONE"]
    gone.restore()
    assert references(Contract.objects.current()) == ["GONE", "KEPT"]
    assert not kept.is_archived


def test_of_provider_finds_lead_and_partner_contracts_once_each():
    provider = ProviderFactory()
    led = ContractFactory(reference="LED", lead_provider=provider)
    ContractPartnerFactory(contract=led, provider=provider, area="North")
    ContractPartnerFactory(contract=led, provider=provider, area="West")
    partnered = ContractFactory(reference="PARTNER")
    ContractPartnerFactory(contract=partnered, provider=provider)
    ContractFactory(reference="OTHER")
    assert references(Contract.objects.of_provider(provider)) == ["LED", "PARTNER"]


def test_of_body_finds_lead_and_co_commissioned_contracts_once_each():
    council = CommissioningBodyFactory(name="County council")
    led = ContractFactory(reference="LED", lead_commissioner=council)
    led.co_commissioners.add(council)
    co = ContractFactory(reference="CO")
    co.co_commissioners.add(council, CommissioningBodyFactory())
    ContractFactory(reference="OTHER")
    assert references(Contract.objects.of_body(council)) == ["CO", "LED"]


def test_a_value_describes_its_period_as_a_year_or_as_dates():
    whole = ContractValueFactory.build(year=2023)
    assert whole.financial_year == FinancialYear(2023)
    assert whole.period_label == "2023/24"
    part = ContractValueFactory.build(start_date=D(2023, 1, 1), end_date=D(2023, 9, 30))
    assert part.financial_year is None
    assert part.period_label == "1 January 2023 to 30 September 2023"


def test_set_financial_year_makes_a_value_cover_the_whole_year():
    value = ContractValue()
    value.set_financial_year("2024/25")
    assert (value.start_date, value.end_date) == (D(2024, 4, 1), D(2025, 3, 31))


def test_history_records_each_change_to_a_contract():
    contract = ContractFactory(title="Before")
    contract.title = "After"
    contract.save()
    assert [row.title for row in contract.history.order_by("history_date")] == ["Before", "After"]


def test_funded_by_finds_a_stream_named_on_a_value_or_only_on_an_option():
    grant, duty, other = (FundingStreamFactory(name=name) for name in ("Grant", "Duty", "Other"))
    by_value = ContractFactory(reference="VALUE")
    ContractValueFactory(contract=by_value, funding_stream=grant)
    by_option = ContractFactory(reference="OPTION")
    ExtensionOptionFactory(contract=by_option, funding_stream=duty)
    ContractFactory(reference="NONE")
    assert references(Contract.objects.funded_by(grant)) == ["VALUE"]
    assert references(Contract.objects.funded_by(duty)) == ["OPTION"]
    assert references(Contract.objects.funded_by(other)) == []
    assert by_option.funding_streams == [duty]


def test_a_contracts_funding_streams_are_each_named_once_values_first():
    grant, duty = FundingStreamFactory(name="Grant"), FundingStreamFactory(name="Duty")
    contract = ContractFactory()
    ExtensionOptionFactory(contract=contract, year=2025, funding_stream=duty)
    ContractValueFactory(contract=contract, year=2023, funding_stream=grant)
    ContractValueFactory(contract=contract, year=2024, funding_stream=duty)
    ContractValueFactory(contract=contract, year=2022, funding_stream=None)
    assert contract.funding_streams == [grant, duty]


def test_for_register_lists_current_contracts_with_status_totals_and_value_that_day():
    live = ContractFactory(reference="LIVE", status=Status.LIVE, end_date=D(2024, 6, 14))
    ContractValueFactory(contract=live, year=2024, amount=Decimal("1200"))
    ContractValueFactory(contract=live, year=2023, amount=Decimal("800"))
    ContractFactory(reference="GONE").archive()
    on_the_day = Contract.objects.for_register(TODAY).get()
    assert on_the_day.reference == "LIVE"
    assert on_the_day.current_status == Status.ENDED  # its end date was the day before
    assert on_the_day.total_amount == Decimal("2000")
    assert on_the_day.value_in_current_year == Decimal("1200")
    a_year_before = Contract.objects.for_register(D(2023, 6, 15)).get()
    assert a_year_before.current_status == Status.LIVE
    assert a_year_before.value_in_current_year == Decimal("800")
