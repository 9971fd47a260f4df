"""The real register in fixtures/cumbria_register.json, checked against the seed table.

The figures asserted here are the ones a reader finds in the Cumbria
"PFCC Commissioned Services" table and the Kendal news item; the totals the
table states are checks on the yearly values we store, never stored themselves.
"""

from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from commissioning.fy import FinancialYear
from contracts.models import Contract, ContractPartner, ContractValue, ExtensionOption, Status
from outcomes.models import Outcome
from providers.models import Provider

pytestmark = pytest.mark.django_db

SARC_REMARK = "I don’t have the data on satisfaction as we aren’t the contract manager"
STEP_UP_REMARK = "Looking to feed this work into Turnaround Service"

# Totals as the seed table prints them, which the stored values must add up to.
STATED_TOTALS = {
    "WOMENS-CENTRES": Decimal("270000"),
    "FREEDOM-PROJECT": Decimal("121073.79"),
    "REMEDI-RJ-VICTIMS": Decimal("389500"),
    "REMEDI-ASB-MEDIATION": Decimal("389500"),
    "BARNARDOS-RISE": Decimal("289596.96"),
    "ONE-CLIC": Decimal("118061"),
    "GET-SAFE-ONLINE": Decimal("33000"),
    "TRAC-PAKMAN": Decimal("19600"),
}


@pytest.fixture
def register():
    call_command("load_register", stdout=StringIO())
    return {contract.reference: contract for contract in Contract.objects.with_totals()}


def published_text(contract):
    """Everything about a contract that a published schedule may print."""
    fields = [contract.title, contract.description, contract.status_note, contract.value_note]
    fields += [outcome.text for outcome in contract.outcomes.all()]
    fields += [value.note for value in contract.values.all()]
    return "\n".join(fields)


def test_it_holds_every_row_programme_and_provider_of_the_seed_table(register):
    assert len(register) == 23
    assert Provider.objects.count() == 17
    assert ContractValue.objects.count() == 39
    assert ExtensionOption.objects.count() == 7
    assert ContractPartner.objects.count() == 4
    assert Counter(Outcome.objects.values_list("kind", flat=True)) == {
        "aim": 39,
        "result": 33,
        "target": 22,
        "statistic": 19,
        "testimonial": 7,
        "other": 3,
        "case_study": 2,
        "award": 1,
    }


def test_every_loaded_row_passes_the_models_own_validation(register):
    for model in (Provider, Contract, ContractValue, ExtensionOption, ContractPartner, Outcome):
        for row in model.objects.all():
            row.full_clean()


def test_loading_the_register_twice_duplicates_nothing(register):
    call_command("load_register", stdout=StringIO())
    assert Contract.objects.count() == 23
    assert ContractValue.objects.count() == 39
    assert Outcome.objects.count() == 126


@pytest.mark.parametrize(("reference", "stated"), STATED_TOTALS.items())
def test_the_stored_values_add_up_to_the_total_the_table_states(register, reference, stated):
    contract = register[reference]
    assert contract.total_amount == stated
    assert sum(value.amount for value in contract.values.all()) == stated


def test_remedi_restorative_justice_is_valued_year_by_year_with_two_options(register):
    contract = register["REMEDI-RJ-VICTIMS"]
    assert contract.values_by_year() == {
        FinancialYear(2022): Decimal("129500"),
        FinancialYear(2023): Decimal("130000"),
        FinancialYear(2024): Decimal("130000"),
    }
    assert contract.total_value_with_options == Decimal("649500")
    assert [(str(option.financial_year), option.amount) for option in contract.options.all()] == [
        ("2025/26", Decimal("130000")),
        ("2026/27", Decimal("130000")),
    ]


def test_pathways_shows_the_true_total_where_the_table_prints_633_pounds(register):
    contract = register["REMEDI-PATHWAYS"]
    assert contract.total_value == Decimal("633300")
    assert contract.total_value_with_options == Decimal("1074100")
    assert contract.max_end_date.isoformat() == "2026-03-31"


def test_barnardos_rise_reaches_the_stated_figure_with_its_third_year_option(register):
    assert register["BARNARDOS-RISE"].total_value_with_options == Decimal("439596.96")


def test_per_annum_values_are_recorded_for_each_year_to_the_end_date(register):
    sarc = register["BRIDGEWAY-SARC"]
    assert list(sarc.values_by_year().values()) == [Decimal("459560")] * 3
    assert sarc.end_date.isoformat() == "2026-03-31"
    assert register["VS-CORE"].value_in("2023/24") == Decimal("994502")


def test_the_sarc_remark_is_kept_as_an_internal_note_and_never_published(register):
    assert SARC_REMARK in register["BRIDGEWAY-SARC"].internal_notes
    assert STEP_UP_REMARK in register["STEP-UP"].internal_notes
    for contract in register.values():
        published = published_text(contract)
        assert SARC_REMARK not in published
        assert STEP_UP_REMARK not in published
        assert "Donna Cardell" not in published


def test_the_sarc_is_led_by_nhs_england_and_co_commissioned_by_the_pfcc(register):
    sarc = register["BRIDGEWAY-SARC"]
    assert sarc.lead_commissioner.name == "NHS England"
    assert [body.name for body in sarc.co_commissioners.all()] == [
        "Police, Fire and Crime Commissioner for Cumbria"
    ]


def test_sub_lines_hang_off_the_victim_support_main_contract(register):
    main = register["VS-CORE"]
    assert set(main.sub_lines.values_list("reference", flat=True)) == {
        "VS-MALE-IDSVA",
        "VS-HEALTH-IDSVA",
        "BRIDGEWAY-ISVA",
    }
    assert register["VS-MALE-IDSVA"].value_in("2024/25") == Decimal("55200")
    isva = register["BRIDGEWAY-ISVA"]
    assert isva.total_value == 0
    assert isva.value_note == "Included in Victim Support main contract"


def test_the_therapy_contract_names_its_lead_and_partner_with_their_areas(register):
    therapy = register["SARC-THERAPY"]
    assert (therapy.lead_provider.name, therapy.lead_provider_area) == (
        "Safety Net",
        "North and West",
    )
    partner = therapy.partners.get()
    assert (partner.provider.name, partner.area) == ("Birchall Trust", "South")


def test_step_up_is_paid_by_the_county_council_for_the_calendar_year_2023(register):
    value = register["STEP-UP"].values.get()
    assert (value.start_date.isoformat(), value.end_date.isoformat()) == (
        "2023-01-01",
        "2023-12-31",
    )
    assert value.amount == Decimal("83200")
    assert value.payer.name == "Cumbria County Council"
    assert value.funding_stream.name == "County council funding"


def test_pipeline_states_are_kept_as_the_table_gives_them(register):
    assert register["TRAC-PAKMAN"].status == Status.PROCUREMENT
    assert register["TRAC-PAKMAN"].procurement_route == "quotation"
    assert register["ONE-CLIC"].status == Status.EXTENDED
    assert "Serious Violence Duty" in register["ONE-CLIC"].status_note
    assert register["KEEP-SAFE"].agreement_type == "mou"
    assert register["KEEP-SAFE"].value_note == "Negotiated yearly"
    assert register["BRAKE"].total_value == 0
    assert register["BRAKE"].start_date is None


def test_the_kendal_outreach_statistics_are_outcomes_of_the_womens_centres(register):
    statistics = register["WOMENS-CENTRES"].outcomes.filter(
        kind="statistic", source="PCC news item"
    )
    assert {(int(row.value), row.unit) for row in statistics} == {
        (51, "count"),
        (28, "count"),
        (14, "count"),
        (9, "count"),
        (239, "count"),
        (189, "count"),
        (76, "percent"),
    }


def test_idva_results_are_two_figures_with_their_cohort_and_measure(register):
    results = register["VS-CORE"].outcomes.filter(cohort="IDVA clients")
    assert {(row.measure.name, int(row.value)) for row in results} == {
        ("Feeling safer", 87),
        ("Quality of life", 79),
    }


def test_every_percentage_result_quotes_its_own_figure(register):
    for outcome in Outcome.objects.filter(unit="percent"):
        figure = f"{outcome.value.normalize():f}"
        assert f"{figure}%" in outcome.text or f"{figure} per cent" in outcome.text, outcome.text


def test_keep_safe_counts_546_victims_in_the_calendar_year_2022(register):
    statistic = register["KEEP-SAFE"].outcomes.get(kind="statistic")
    assert statistic.value == 546
    assert (statistic.period_start.isoformat(), statistic.period_end.isoformat()) == (
        "2022-01-01",
        "2022-12-31",
    )
