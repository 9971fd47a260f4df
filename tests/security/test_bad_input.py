"""The bad-input catalogue: each gets a clear message and leaves stored data unchanged."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from commissioning.fy import FinancialYear
from contracts.models import Contract, ContractValue, ExtensionOption
from outcomes.models import Outcome
from tests.factories import (
    ContractFactory,
    ContractValueFactory,
    OutcomeFactory,
)
from tests.security.html_forms import form_data

pytestmark = pytest.mark.django_db


def change_url(instance):
    meta = instance._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def errors_on(response):
    """The form's error messages as one string (admin's error list markup stripped)."""
    import html
    import re

    return " ".join(
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(
            r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
        )
    )


@pytest.fixture
def value(editor_client):
    return ContractValueFactory(year=2024, amount=Decimal("130000"))


def post_value_change(editor_client, value, **changes):
    data = form_data(editor_client.get(change_url(value)), "contractvalue_form")
    data.update(changes)
    return editor_client.post(change_url(value), data)


# Money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "Ensure this value is greater than or equal to 0."),
        ("lots", "Enter a number."),
        ("£130,000", "Enter a number."),
        ("130000.005", "Ensure that there are no more than 2 decimal places."),
        ("5000000000", "Ensure this value is less than or equal to 1000000000."),
        ("1e30", "Ensure that there are no more than 14 digits in total."),
        ("NaN", "Enter a number."),
    ],
)
def test_bad_money_in_admin_is_refused_with_a_message(editor_client, value, typed, message):
    response = post_value_change(editor_client, value, amount=typed)
    assert response.status_code == 200
    assert message in errors_on(response)
    value.refresh_from_db()
    assert value.amount == Decimal("130000")


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("1000000000000")])
def test_the_database_refuses_money_out_of_range_whatever_the_code(value, amount):
    # PostgreSQL's numeric(14, 2) overflows (DataError) before the check constraint runs.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        ContractValue.objects.create(
            contract=value.contract,
            start_date=value.start_date,
            end_date=value.end_date,
            amount=amount,
        )
    assert ContractValue.objects.count() == 1


def test_model_validation_names_the_money_problem(value):
    value.amount = Decimal("-1")
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    assert "amount" in error.value.message_dict


# Dates and financial years -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"start_date": "31/02/2024"}, "Enter a valid date."),
        ({"end_date": "2025-13-45"}, "Enter a valid date."),
        ({"start_date": "yesterday"}, "Enter a valid date."),
        ({"start_date": "01/04/2025", "end_date": "31/03/2025"}, "before it starts"),
        (
            {"start_date": "01/04/1850", "end_date": "31/03/1851"},
            "outside the dates the register holds",
        ),
    ],
)
def test_bad_dates_in_admin_are_refused_with_a_message(
    editor_client, value, changes, field_message
):
    response = post_value_change(editor_client, value, **changes)
    assert response.status_code == 200
    assert field_message in errors_on(response)
    value.refresh_from_db()
    assert (value.start_date, value.end_date) == (
        FinancialYear(2024).start,
        FinancialYear(2024).end,
    )


def test_a_contract_ending_before_it_starts_is_refused_on_the_form_and_by_the_database(
    editor_client,
):
    contract = ContractFactory()
    data = form_data(editor_client.get(change_url(contract)), "contract_form")
    data.update(start_date="01/04/2024", end_date="31/03/2024")
    response = editor_client.post(change_url(contract), data)
    assert "is before the start date" in errors_on(response)

    contract.start_date, contract.end_date = FinancialYear(2024).start, FinancialYear(2023).end
    with pytest.raises(IntegrityError), transaction.atomic():
        contract.save()
    contract.refresh_from_db()
    assert contract.end_date.year == 2025


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2024/26", "a year starting in 2024 ends in 2025, so write 2024/25"),
        ("24/26", "a year starting in 2024 ends in 2025, so write 2024/25"),
        ("2024/5", "is not a financial year: write it as 2024/25"),
        ("next year", "is not a financial year"),
        ("1850/51", "outside the years the register holds"),
        ("2024/25; DROP TABLE x", "is not a financial year"),
    ],
)
def test_a_malformed_financial_year_is_explained(typed, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        FinancialYear.parse(typed)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2024/26", "so write 2024/25"),
        ("1850/51", "outside the years the register holds"),
        ("soon", "is not a financial year"),
    ],
)
def test_a_malformed_financial_year_in_the_register_filter_shows_a_message(
    viewer_client, typed, message
):
    response = viewer_client.get("/contracts/", {"financial_year": typed})
    assert response.status_code == 200
    assert message in response.content.decode()


# Duplicates, overlapping options, percentages, ratios ---------------------------------------


def test_a_duplicate_reference_is_refused_on_the_form_and_by_the_database(editor_client):
    existing = ContractFactory(reference="IDVA")
    other = ContractFactory(reference="OTHER", title="Other")
    data = form_data(editor_client.get(change_url(other)), "contract_form")
    data["reference"] = "IDVA"
    response = editor_client.post(change_url(other), data)
    assert response.status_code == 200
    assert "Contract with this Reference already exists." in errors_on(response)
    other.refresh_from_db()
    assert other.reference == "OTHER"

    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            reference="IDVA",
            title="Copy",
            category=existing.category,
            lead_provider=existing.lead_provider,
            lead_commissioner=existing.lead_commissioner,
        )


def test_an_option_for_a_period_already_inside_the_contract_is_refused(editor_client, value):
    response = editor_client.post(
        add_url(ExtensionOption),
        {
            "contract": value.contract.pk,
            "start_date": "01/10/2024",
            "end_date": "30/09/2025",
            "amount": "1000",
            "status": "available",
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "overlaps the contract's value for 2024/25" in errors_on(response)
    assert not ExtensionOption.objects.exists()


def outcome_data(contract, **changes):
    return {
        "contract": contract.pk,
        "kind": "result",
        "text": "Clients felt safer",
        "order": "0",
        "is_published": "on",
        "consent": "",
        **changes,
    }


def test_a_percentage_over_100_is_refused_on_the_form_and_by_the_database(editor_client, value):
    response = editor_client.post(
        add_url(Outcome), outcome_data(value.contract, unit="percent", value="150")
    )
    assert response.status_code == 200
    assert "A percentage must be between 0 and 100, not 150" in errors_on(response)
    assert not Outcome.objects.exists()

    with pytest.raises(IntegrityError), transaction.atomic():
        Outcome.objects.create(
            contract=value.contract, kind="result", text="x", unit="percent", value=150
        )


def test_a_numerator_above_its_denominator_is_refused_on_the_form_and_by_the_database(
    editor_client, value
):
    outcome = OutcomeFactory(contract=value.contract, numerator=3, denominator=4)
    data = form_data(editor_client.get(change_url(outcome)), "outcome_form")
    data.update(numerator="5", denominator="3")
    response = editor_client.post(change_url(outcome), data)
    assert response.status_code == 200
    assert "The numerator (5) is larger than the denominator (3)." in errors_on(response)
    outcome.refresh_from_db()
    assert (outcome.numerator, outcome.denominator) == (3, 4)

    outcome.numerator, outcome.denominator = 5, 3
    with pytest.raises(IntegrityError), transaction.atomic():
        outcome.save()


def test_a_zero_or_negative_denominator_is_refused(editor_client, value):
    response = editor_client.post(
        add_url(Outcome), outcome_data(value.contract, numerator="0", denominator="0")
    )
    assert "Ensure this value is greater than or equal to 1." in errors_on(response)
    response = editor_client.post(
        add_url(Outcome), outcome_data(value.contract, numerator="-1", denominator="5")
    )
    assert "Ensure this value is greater than or equal to 0." in errors_on(response)
    assert not Outcome.objects.exists()
