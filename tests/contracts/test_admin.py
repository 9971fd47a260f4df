"""The Django admin in which the register is edited: pages, search, filters, actions, validation."""

import datetime
import html
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    Contract,
    ContractValue,
    ExtensionOption,
    OptionStatus,
    RenewalDecision,
    SentAlert,
    Status,
)
from outcomes.models import Outcome
from tests.factories import (
    CategoryFactory,
    ChangeFactory,
    CohortFactory,
    CommissioningBodyFactory,
    ContractFactory,
    ContractPartnerFactory,
    ContractValueFactory,
    ExtensionOptionFactory,
    FundingStreamFactory,
    KpiFactory,
    MeasureFactory,
    NoticeFactory,
    OutcomeFactory,
    ProviderFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTER_APPS = {"contracts", "providers", "outcomes"}
TODAY = timezone.localdate()
CHANGELIST = reverse("admin:contracts_contract_changelist")


def days(n):
    return datetime.timedelta(days=n)


def listed(response):
    """References of the contracts on a changelist page."""
    return sorted(contract.reference for contract in response.context["cl"].result_list)


@pytest.fixture
def register():
    """One row in every table, tied together, so every admin page has something to show."""
    contract = ContractFactory(reference="VS-CORE", title="Victim support core service")
    contract.cohorts.add(CohortFactory())
    contract.co_commissioners.add(CommissioningBodyFactory())
    ContractPartnerFactory(contract=contract, area="North")
    ContractValueFactory(contract=contract, funding_stream=FundingStreamFactory())
    ExtensionOptionFactory(contract=contract)
    OutcomeFactory(contract=contract, measure=MeasureFactory())
    RatingFactory(kpi=KpiFactory(contract=contract))
    NoticeFactory(contract=contract, change=None)
    ChangeFactory(contract=contract)
    RenewalDecision.objects.create(contract=contract, end_date=contract.end_date)
    SentAlert.objects.create(
        subject=f"end:{contract.pk}", due_date=contract.end_date, lead_months=3, sent_on=TODAY
    )
    return contract


def register_model_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in REGISTER_APPS
    ]


def test_every_register_model_is_in_the_admin():
    names = {model.__name__ for model, _ in register_model_admins()}
    assert names >= {
        "Provider",
        "CommissioningBody",
        "FundingStream",
        "Category",
        "Cohort",
        "Contract",
        "ContractValue",
        "ExtensionOption",
        "Measure",
        "Outcome",
    }


@pytest.mark.parametrize(
    "model", [model for model, _ in register_model_admins()], ids=lambda model: model.__name__
)
def test_every_admin_page_loads_for_a_superuser(admin_client, register, model):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    instance = model.objects.first()
    assert instance is not None
    pages = [
        reverse(f"{prefix}_changelist"),
        reverse(f"{prefix}_add"),
        reverse(f"{prefix}_change", args=[instance.pk]),
        reverse(f"{prefix}_delete", args=[instance.pk]),
    ]
    if hasattr(model, "history"):
        pages.append(reverse(f"{prefix}_history", args=[instance.pk]))
    read_only = model is SentAlert  # the record that stops an alert being sent twice
    for page in pages:
        response = admin_client.get(page)
        if read_only and page.endswith(("/add/", "/delete/")):
            assert response.status_code == 403, page
            continue
        assert response.status_code == 200, page
        assert str(opts.verbose_name).lower() in response.content.decode().lower()


def test_the_contract_list_needs_the_same_queries_for_many_contracts(
    admin_client, register, django_assert_max_num_queries
):
    admin_client.get(CHANGELIST)
    for _ in range(30):
        contract = ContractFactory()
        ContractValueFactory(contract=contract)
        ExtensionOptionFactory(contract=contract)
    with django_assert_max_num_queries(15):
        response = admin_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 31


# Search ----------------------------------------------------------------------------


@pytest.fixture
def searchable():
    ContractFactory(reference="IDVA-NORTH", title="Independent domestic violence advisers")
    ContractFactory(
        reference="WOMEN", title="Women's centres", lead_provider=ProviderFactory(name="Let Us")
    )
    partnered = ContractFactory(reference="SV", title="Sexual violence support")
    ContractPartnerFactory(contract=partnered, provider=ProviderFactory(name="Safety Net"))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("IDVA-NORTH", ["IDVA-NORTH"]),
        ("centres", ["WOMEN"]),
        ("Let Us", ["WOMEN"]),
        ("Safety Net", ["SV"]),
        ("nothing like it", []),
    ],
)
def test_contracts_are_found_by_reference_title_or_provider(admin_client, searchable, query, found):
    response = admin_client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    assert listed(response) == found


# Filters ---------------------------------------------------------------------------


def test_contracts_filter_by_category(admin_client):
    wanted = CategoryFactory(name="Victim services")
    ContractFactory(reference="IN", category=wanted)
    ContractFactory(reference="OUT")
    response = admin_client.get(CHANGELIST, {"category__id__exact": wanted.pk})
    assert listed(response) == ["IN"]


def test_contracts_filter_by_status(admin_client):
    ContractFactory(reference="PLANNED", status=Status.PLANNED)
    ContractFactory(reference="LIVE", status=Status.LIVE, end_date=None)
    response = admin_client.get(CHANGELIST, {"status": Status.PLANNED})
    assert listed(response) == ["PLANNED"]


def test_a_live_contract_past_its_end_is_listed_and_filtered_as_ended(admin_client):
    today = timezone.localdate()
    ContractFactory(reference="RUNNING", status=Status.LIVE, end_date=today)
    ContractFactory(reference="OVER", status=Status.LIVE, end_date=today - days(1))
    ended = admin_client.get(CHANGELIST, {"status": Status.ENDED})
    assert listed(ended) == ["OVER"]
    assert "Ended" in ended.content.decode()
    assert listed(admin_client.get(CHANGELIST, {"status": Status.LIVE})) == ["RUNNING"]


def test_contracts_filter_by_lead_or_co_commissioner(admin_client):
    council = CommissioningBodyFactory(name="Cumbria County Council")
    ContractFactory(reference="LEAD", lead_commissioner=council)
    ContractFactory(reference="CO").co_commissioners.add(council)
    ContractFactory(reference="OTHER")
    response = admin_client.get(CHANGELIST, {"commissioner": council.pk})
    assert listed(response) == ["CO", "LEAD"]
    assert "Cumbria County Council" in response.content.decode()


def test_contracts_filter_by_funding_stream(admin_client):
    stream = FundingStreamFactory(name="Serious Violence Duty")
    funded = ContractFactory(reference="SVD")
    ContractValueFactory(contract=funded, year=2022, funding_stream=stream)
    ContractValueFactory(contract=funded, year=2023, funding_stream=stream)
    ContractValueFactory(contract=ContractFactory(reference="OTHER"))
    response = admin_client.get(CHANGELIST, {"funding_stream": stream.pk})
    assert listed(response) == ["SVD"]


def test_contracts_filter_by_ending_soon(admin_client):
    today = timezone.localdate()
    ContractFactory(reference="SOON", end_date=today + days(30))
    ContractFactory(reference="TODAY", end_date=today)
    ContractFactory(reference="LATER", end_date=today + days(200))
    ContractFactory(reference="ENDED", end_date=today - days(1))
    response = admin_client.get(CHANGELIST, {"ending": "3"})
    assert listed(response) == ["SOON", "TODAY"]
    response = admin_client.get(CHANGELIST, {"ending": "12"})
    assert listed(response) == ["LATER", "SOON", "TODAY"]


@pytest.mark.parametrize(
    "params",
    [{"ending": "x"}, {"commissioner": "x"}, {"funding_stream": "-"}, {"status": "nonsense"}],
)
def test_a_nonsense_filter_value_never_fails_the_page(admin_client, register, params):
    response = admin_client.get(CHANGELIST, params, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select contract to change" in page
    assert listed(response) == ["VS-CORE"]  # the nonsense is ignored: every contract listed


# Money and status in the lists ---------------------------------------------------------


def test_money_is_shown_in_pounds_and_pence_in_the_lists(admin_client):
    contract = ContractFactory(reference="MONEY")
    ContractValueFactory(contract=contract, year=2022, amount=Decimal("1000.00"))
    ContractValueFactory(contract=contract, year=2023, amount=Decimal("234.56"))
    ExtensionOptionFactory(contract=contract, amount=Decimal("55171.50"))
    contracts = admin_client.get(CHANGELIST).content.decode()
    assert "£1,234.56" in contracts
    values = admin_client.get(reverse("admin:contracts_contractvalue_changelist"))
    assert "£234.56" in values.content.decode()
    options = admin_client.get(reverse("admin:contracts_extensionoption_changelist"))
    assert "£55,171.50" in options.content.decode()


# The exercise-option actions ----------------------------------------------------------------


def test_the_exercise_action_commits_the_next_option_and_moves_the_end_date(admin_client):
    contract = ContractFactory(reference="EXT", end_date=D(2025, 3, 31))
    ExtensionOptionFactory(contract=contract, year=2026, amount=Decimal("2"))
    ExtensionOptionFactory(contract=contract, year=2025, amount=Decimal("130000"))
    response = admin_client.post(
        CHANGELIST,
        {"action": "exercise_next_option", "_selected_action": [contract.pk]},
        follow=True,
    )
    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.end_date == D(2026, 3, 31)
    assert contract.status == Status.EXTENDED
    assert contract.value_in("2025/26") == Decimal("130000")
    page = response.content.decode()
    assert "EXT: option for 2025/26 exercised; the contract now ends on 31 March 2026." in page


def test_the_exercise_action_warns_when_no_option_is_left(admin_client):
    contract = ContractFactory(reference="NONE")
    ExtensionOptionFactory(contract=contract, status=OptionStatus.DECLINED)
    response = admin_client.post(
        CHANGELIST,
        {"action": "exercise_next_option", "_selected_action": [contract.pk]},
        follow=True,
    )
    assert "NONE: no extension option is available." in response.content.decode()
    assert ContractValue.objects.count() == 0


def test_options_can_be_exercised_from_the_option_list(admin_client):
    option = ExtensionOptionFactory(amount=Decimal("500"))
    done = ExtensionOptionFactory(status=OptionStatus.EXERCISED)
    response = admin_client.post(
        reverse("admin:contracts_extensionoption_changelist"),
        {"action": "exercise", "_selected_action": [option.pk, done.pk]},
        follow=True,
    )
    assert response.status_code == 200
    option.refresh_from_db()
    assert option.status == OptionStatus.EXERCISED
    assert option.contract.end_date == D(2026, 3, 31)
    assert ContractValue.objects.get().amount == Decimal("500")
    assert "only an available option can be exercised" in response.content.decode()


# Validation errors are shown on the form, and nothing is saved --------------------------------


INLINE_PREFIXES = ["partners", "values", "options", "outcomes", "kpis", "changes", "notices"]


def contract_form(**fields):
    """POST data for the contract add/change form, with empty inlines unless given."""
    data = {
        "reference": "NEW-1",
        "title": "A new service",
        "category": CategoryFactory().pk,
        "description": "",
        "agreement_type": "contract",
        "procurement_route": "",
        "status": Status.LIVE,
        "status_note": "",
        "start_date": "2024-04-01",
        "end_date": "2025-03-31",
        "value_note": "",
        "decision_reference": "",
        "contract_manager": "",
        "notice_months": "3",
        "lead_provider": ProviderFactory().pk,
        "lead_provider_area": "",
        "lead_commissioner": CommissioningBodyFactory().pk,
        "internal_notes": "",
    }
    for prefix in INLINE_PREFIXES:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    data.update(fields)
    return data


def one_inline(prefix, **fields):
    data = {f"{prefix}-TOTAL_FORMS": "1"}
    data.update({f"{prefix}-0-{name}": value for name, value in fields.items()})
    return data


def post_new_contract(client, **fields):
    return client.post(reverse("admin:contracts_contract_add"), contract_form(**fields))


def errors_on(response):
    """Every error message on the admin form and its inlines."""
    messages = list(response.context["adminform"].form.errors.values())
    for formset in response.context["inline_admin_formsets"]:
        messages.extend(formset.formset.non_form_errors())
        for form_errors in formset.formset.errors:
            messages.extend(form_errors.values())
    return html.unescape(" ".join(str(message) for message in messages))


def test_a_valid_contract_is_saved_with_its_value(admin_client):
    response = post_new_contract(
        admin_client,
        **one_inline("values", start_date="2024-04-01", end_date="2025-03-31", amount="129500.00"),
    )
    assert response.status_code == 302
    assert Contract.objects.get().value_in("2024/25") == Decimal("129500.00")


def test_an_end_date_before_the_start_is_shown_on_the_form(admin_client):
    response = post_new_contract(admin_client, start_date="2024-04-01", end_date="2024-03-31")
    assert response.status_code == 200
    assert "The end date (31 March 2024) is before the start date (1 April 2024)." in (
        errors_on(response)
    )
    assert not Contract.objects.exists()


def test_a_negative_amount_is_shown_on_the_form(admin_client):
    response = post_new_contract(
        admin_client,
        **one_inline("values", start_date="2024-04-01", end_date="2025-03-31", amount="-10"),
    )
    assert response.status_code == 200
    assert "greater than or equal to 0" in errors_on(response)
    assert not Contract.objects.exists()
    assert not ContractValue.objects.exists()


def test_a_value_period_that_ends_before_it_starts_is_shown_on_the_form(admin_client):
    response = post_new_contract(
        admin_client,
        **one_inline("values", start_date="2024-04-01", end_date="2024-03-01", amount="10"),
    )
    assert response.status_code == 200
    assert "ends (1 March 2024) before it starts" in errors_on(response)
    assert not Contract.objects.exists()


def test_a_percentage_over_100_is_shown_on_the_form(admin_client):
    response = post_new_contract(
        admin_client,
        **one_inline(
            "outcomes", kind="result", text="187% felt safer", value="187", unit="percent"
        ),
    )
    assert response.status_code == 200
    assert "A percentage must be between 0 and 100, not 187." in errors_on(response)
    assert not Outcome.objects.exists()
    assert not Contract.objects.exists()


def test_a_numerator_above_its_denominator_is_shown_on_the_form(admin_client):
    response = post_new_contract(
        admin_client,
        **one_inline(
            "outcomes", kind="result", text="60 of 50 clients", numerator="60", denominator="50"
        ),
    )
    assert response.status_code == 200
    assert "The numerator (60) is larger than the denominator (50)." in errors_on(response)
    assert not Contract.objects.exists()


def test_a_duplicate_reference_is_shown_on_the_form(admin_client):
    ContractFactory(reference="VS-CORE")
    response = post_new_contract(admin_client, reference="VS-CORE")
    assert response.status_code == 200
    assert "reference already exists" in errors_on(response).lower()
    assert Contract.objects.count() == 1


def test_an_option_overlapping_committed_values_is_shown_on_the_form(admin_client):
    contract = ContractFactory(reference="OVER")
    ContractValueFactory(contract=contract, year=2024)
    contract.refresh_from_db()  # adding the value moved the contract's version
    data = contract_form(
        reference="OVER",
        category=contract.category_id,
        lead_provider=contract.lead_provider_id,
        lead_commissioner=contract.lead_commissioner_id,
        seen_version=contract.version,
        **one_inline(
            "options",
            start_date="2024-10-01",
            end_date="2025-09-30",
            amount="100",
            status="available",
        ),
    )
    data.update(
        {
            "values-TOTAL_FORMS": "1",
            "values-INITIAL_FORMS": "1",
            "values-0-id": contract.values.get().pk,
            "values-0-contract": contract.pk,
            "values-0-start_date": "2024-04-01",
            "values-0-end_date": "2025-03-31",
            "values-0-amount": "10000.00",
        }
    )
    response = admin_client.post(
        reverse("admin:contracts_contract_change", args=[contract.pk]), data
    )
    assert response.status_code == 200
    assert "overlaps the contract's value for 2024/25" in errors_on(response)
    assert not ExtensionOption.objects.exists()


def test_a_negative_amount_on_the_value_form_is_refused(admin_client):
    contract = ContractFactory()
    response = admin_client.post(
        reverse("admin:contracts_contractvalue_add"),
        {
            "contract": contract.pk,
            "start_date": "2024-04-01",
            "end_date": "2025-03-31",
            "amount": "-1",
        },
    )
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not ContractValue.objects.exists()


def test_an_outcome_over_100_percent_on_its_own_form_is_refused(admin_client):
    contract = ContractFactory()
    response = admin_client.post(
        reverse("admin:outcomes_outcome_add"),
        {
            "contract": contract.pk,
            "kind": "result",
            "text": "101% felt safer",
            "value": "101",
            "unit": "percent",
            "order": "0",
            "is_published": "on",
        },
    )
    assert response.status_code == 200
    assert "A percentage must be between 0 and 100, not 101." in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_provider_in_use_cannot_be_deleted_from_the_admin(admin_client):
    provider = ProviderFactory(name="Victim Support")
    ContractFactory(lead_provider=provider)
    url = reverse("admin:providers_provider_delete", args=[provider.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert provider.__class__.objects.filter(pk=provider.pk).exists()


# Renewal decisions and sent alerts --------------------------------------------------


def decision_form(decision_or_none, **fields):
    data = {
        "contract": "",
        "option": "",
        "end_date": "",
        "owner": "",
        "due_date": "",
        "outcome": "",
        "decided_on": "",
        "reference": "",
        "note": "",
    }
    if decision_or_none is not None:
        data["seen_version"] = str(decision_or_none.version)
    data.update({name: str(value) for name, value in fields.items()})
    return data


def test_recording_extend_on_an_option_in_admin_exercises_it(admin_client):
    contract = ContractFactory(reference="RJ", end_date=datetime.date(2099, 3, 31))
    option = ExtensionOptionFactory(
        contract=contract, year=2099, end_date=datetime.date(2100, 3, 31)
    )
    response = admin_client.post(
        reverse("admin:contracts_renewaldecision_add"),
        decision_form(
            None,
            contract=contract.pk,
            option=option.pk,
            outcome="extend",
            decided_on="2025-05-03",
            reference="PCC-2025-01",
        ),
        follow=True,
    )
    assert response.status_code == 200
    decision = RenewalDecision.objects.get()
    assert (decision.outcome, decision.reference) == ("extend", "PCC-2025-01")
    option.refresh_from_db()
    contract.refresh_from_db()
    assert option.status == OptionStatus.EXERCISED
    assert contract.end_date == datetime.date(2100, 3, 31)
    assert decision.history.count() == 1


def test_an_option_of_another_contract_is_refused(admin_client):
    contract = ContractFactory(reference="RJ")
    other = ExtensionOptionFactory(contract=ContractFactory(reference="OTHER"))
    response = admin_client.post(
        reverse("admin:contracts_renewaldecision_add"),
        decision_form(None, contract=contract.pk, option=other.pk),
    )
    assert "Choose an extension option of this contract." in response.content.decode()
    assert not RenewalDecision.objects.exists()


def test_a_refused_exercise_saves_nothing_and_says_why(admin_client):
    contract = ContractFactory(reference="RJ", status=Status.ENDED)
    option = ExtensionOptionFactory(contract=contract, year=2099)
    response = admin_client.post(
        reverse("admin:contracts_renewaldecision_add"),
        decision_form(
            None, contract=contract.pk, option=option.pk, outcome="extend", decided_on="2025-05-03"
        ),
        follow=True,
    )
    assert "Not saved: This contract is ended" in html.unescape(response.content.decode())
    assert not RenewalDecision.objects.exists()
    option.refresh_from_db()
    assert option.status == OptionStatus.AVAILABLE


def test_a_decision_form_opened_before_someone_elses_save_is_refused(admin_client):
    contract = ContractFactory(reference="RJ")
    decision = RenewalDecision.objects.create(contract=contract, end_date=contract.end_date)
    opened = decision_form(
        decision, contract=contract.pk, end_date=contract.end_date, reference="MINE"
    )
    decision.reference = "THEIRS"
    decision.save()

    response = admin_client.post(
        reverse("admin:contracts_renewaldecision_change", args=[decision.pk]), opened
    )

    assert "someone else saved this renewal decision after you opened it" in (
        response.content.decode()
    )
    decision.refresh_from_db()
    assert decision.reference == "THEIRS"


def test_sent_alerts_are_listed_but_cannot_be_added_changed_or_removed(admin_client):
    contract = ContractFactory(reference="RJ")
    alert = SentAlert.objects.create(
        subject=f"end:{contract.pk}",
        due_date=contract.end_date,
        lead_months=6,
        sent_on=TODAY,
        recipients="ann@example.org",
    )
    listing = admin_client.get(reverse("admin:contracts_sentalert_changelist"))
    assert "ann@example.org" in listing.content.decode()
    change = admin_client.get(reverse("admin:contracts_sentalert_change", args=[alert.pk]))
    assert change.status_code == 200
    assert 'type="submit"' not in change.content.decode().split('id="sentalert_form"', 1)[-1]
    posted = admin_client.post(
        reverse("admin:contracts_sentalert_change", args=[alert.pk]),
        {"subject": "end:0", "due_date": "2030-01-01", "lead_months": "1", "sent_on": "2030-01-01"},
    )
    assert posted.status_code == 403
    assert SentAlert.objects.get().subject == f"end:{contract.pk}"
    assert (
        admin_client.post(
            reverse("admin:contracts_sentalert_delete", args=[alert.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert SentAlert.objects.exists()


@pytest.mark.parametrize(
    ("model", "make", "order"),
    [
        (ContractValue, ContractValueFactory, ["contract_id", "start_date", "pk"]),
        (ExtensionOption, ExtensionOptionFactory, ["contract_id", "start_date", "pk"]),
        (Outcome, OutcomeFactory, ["contract_id", "order", "pk"]),
    ],
)
def test_values_options_and_outcomes_are_listed_by_contract_key_not_register_order(
    admin_client, model, make, order
):
    """The register's order (category, then reference) would join and sort every row of a
    national register for each page (bench/results.md, h16l): the lists group rows by their
    contract's key, which the contract index gives in order."""
    later = ContractFactory(category=CategoryFactory(name="Zebra", order=2), reference="Z-1")
    earlier = ContractFactory(category=CategoryFactory(name="Aardvark", order=1), reference="A-1")
    for contract in (earlier, later, earlier):
        make(contract=contract)

    response = admin_client.get(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    )

    listed = list(response.context["cl"].result_list)
    assert listed == list(model.objects.order_by(*order))
    assert [row.contract for row in listed] == [later, earlier, earlier]
