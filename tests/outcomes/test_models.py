"""Outcomes: what the database and clean() refuse, and how figures read."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from outcomes.models import Outcome, OutcomeKind, Unit
from tests.factories import ContractFactory, MeasureFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def assert_refused_by_database(**fields):
    contract = ContractFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(contract=contract, kind=OutcomeKind.RESULT, text="x", **fields)


def test_the_database_refuses_a_percentage_over_100():
    assert_refused_by_database(value=Decimal("100.01"), unit=Unit.PERCENT)


def test_the_database_refuses_a_negative_percentage():
    assert_refused_by_database(value=Decimal("-1"), unit=Unit.PERCENT)


def test_the_database_refuses_a_numerator_above_its_denominator():
    assert_refused_by_database(numerator=51, denominator=50)


def test_the_database_refuses_a_zero_denominator():
    assert_refused_by_database(numerator=0, denominator=0)


def test_the_database_refuses_a_period_that_ends_before_it_starts():
    assert_refused_by_database(period_start=D(2023, 4, 1), period_end=D(2023, 3, 31))


def test_the_edges_of_what_is_allowed_are_stored():
    contract = ContractFactory()
    OutcomeFactory(contract=contract, value=Decimal("100"), unit=Unit.PERCENT)
    OutcomeFactory(contract=contract, value=Decimal("0"), unit=Unit.PERCENT)
    OutcomeFactory(contract=contract, value=Decimal("546"), unit=Unit.COUNT)
    OutcomeFactory(contract=contract, numerator=50, denominator=50)
    assert contract.outcomes.count() == 4


def test_clean_explains_each_mistake_on_its_field():
    outcome = OutcomeFactory.build(
        contract=ContractFactory(),
        value=Decimal("187"),
        unit=Unit.PERCENT,
        numerator=60,
        denominator=50,
        period_start=D(2023, 4, 1),
        period_end=D(2022, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        outcome.full_clean()
    messages = error.value.message_dict
    assert messages["value"] == ["A percentage must be between 0 and 100, not 187."]
    assert messages["numerator"] == ["The numerator (60) is larger than the denominator (50)."]
    assert messages["period_end"] == ["The period ends before it starts."]


def test_a_ratio_reads_as_a_percentage_to_one_decimal_place():
    # "87% of IDVA clients felt safer": 87 of 100; and 2 of 3 is 66.7%.
    assert Outcome(numerator=87, denominator=100).ratio_percent == Decimal("87.0")
    assert Outcome(numerator=2, denominator=3).ratio_percent == Decimal("66.7")
    assert Outcome(numerator=5).ratio_percent is None


def test_the_period_reads_as_stated_or_from_its_dates():
    assert Outcome(period_label="2021–22 service users").period == "2021–22 service users"
    dated = Outcome(period_start=D(2022, 1, 1), period_end=D(2022, 12, 31))
    assert dated.period == "January 2022 to December 2022"
    assert Outcome().period == ""


def test_qualitative_evidence_is_told_apart_from_figures():
    contract = ContractFactory()
    OutcomeFactory(contract=contract, kind=OutcomeKind.RESULT, text="result")
    OutcomeFactory(contract=contract, kind=OutcomeKind.TESTIMONIAL, text="testimonial")
    OutcomeFactory(contract=contract, kind=OutcomeKind.CASE_STUDY, text="case study")
    OutcomeFactory(contract=contract, kind=OutcomeKind.AWARD, text="award")
    OutcomeFactory(contract=contract, kind=OutcomeKind.AIM, text="aim")
    assert [o.text for o in Outcome.objects.results()] == ["result"]
    assert sorted(o.text for o in Outcome.objects.qualitative()) == [
        "award",
        "case study",
        "testimonial",
    ]
    assert Outcome.objects.get(text="award").is_qualitative
    assert not Outcome.objects.get(text="aim").is_qualitative


def test_unpublished_outcomes_stay_out_of_published_schedules():
    OutcomeFactory(text="public")
    OutcomeFactory(text="internal", is_published=False)
    assert [o.text for o in Outcome.objects.published()] == ["public"]


def test_a_measure_in_use_cannot_be_deleted():
    measure = MeasureFactory(name="Feeling safer")
    OutcomeFactory(measure=measure)
    with pytest.raises(ProtectedError):
        measure.delete()


def test_deleting_a_contract_deletes_its_outcomes():
    outcome = OutcomeFactory()
    outcome.contract.delete()
    assert not Outcome.objects.exists()


def test_sections_group_outcomes_under_one_set_of_headings_in_order():
    outcomes = [
        Outcome(kind=OutcomeKind.AWARD, text="Quality mark"),
        Outcome(kind=OutcomeKind.RESULT, text="87% felt safer"),
        Outcome(kind=OutcomeKind.RESULT, text="90% coped better"),
        Outcome(kind=OutcomeKind.TESTIMONIAL, text="They listened."),
    ]
    sections = Outcome.sections(outcomes)
    assert [(s.heading, len(s.outcomes), s.is_qualitative) for s in sections] == [
        ("Results", 2, False),
        ("Testimonials", 1, True),
        ("Awards and recognition", 1, True),
    ]


def test_the_period_is_shown_beside_a_statement_only_when_the_text_does_not_say_it():
    award = Outcome(text="Howard League winner (Nov 2022)", period_label="Nov 2022")
    result = Outcome(text="87% felt safer", period_label="2021–22 service users")
    assert award.shown_period == ""
    assert result.shown_period == "2021–22 service users"
