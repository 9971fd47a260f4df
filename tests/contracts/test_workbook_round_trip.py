"""Export, import, export again: the register survives the workbook unchanged, and re-imports are quiet."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.models import (
    Category,
    Cohort,
    CommissioningBody,
    Contract,
    ContractChange,
    ContractPartner,
    ContractValue,
    ExtensionOption,
    FundingStream,
    Notice,
)
from contracts.workbook import import_workbook, write_template, write_workbook
from contracts.workbook.columns import SHEETS
from outcomes.models import KeyPerformanceIndicator, Measure, Outcome
from providers.models import Provider
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
)

from .workbook_files import register_snapshot, workbook_cells

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "cumbria_register.json"


def empty_the_register():
    for model in (
        Outcome,
        ContractPartner,
        ContractValue,
        ExtensionOption,
        KeyPerformanceIndicator,
        Notice,
        ContractChange,
    ):
        model.objects.all().delete()
    while Contract.objects.exists():
        Contract.objects.filter(sub_lines__isnull=True).delete()
    for model in (Provider, FundingStream, CommissioningBody, Category, Cohort, Measure):
        model.objects.all().delete()


def build_rich_register():
    """A register using every column of the format, including awkward periods and archived rows."""
    pcc = CommissioningBodyFactory(name="Cumbria OPCC", kind="pcc")
    council = CommissioningBodyFactory(name="Cumberland Council", kind="unitary_council")
    nhs = CommissioningBodyFactory(name="NHS England", kind="nhs")
    moj = CommissioningBodyFactory(name="Ministry of Justice", kind="government")
    grant = FundingStreamFactory(name="MoJ victims grant", provided_by=moj, description="Annual")
    core = FundingStreamFactory(name="PCC core budget")
    victims = CategoryFactory(name="All crimes", order=1)
    CategoryFactory(name="Unused heading", order=9)
    CohortFactory(name="Nobody yet")
    lead = ProviderFactory(
        name="Victim Support",
        kind="charity",
        charity_number="1201000",
        company_number="04336513",
        website="https://www.victimsupport.org.uk",
        phone="0808 168 9111",
        email="info@example.org",
        address="1 High Street\nCarlisle",
        notes="Internal: renew DBS checks",
        ppon_identifier="GB-PPON-ABCD-1234-EFGH",
        is_sme=False,
        is_vcse=True,
    )
    partner = ProviderFactory(name="Women Out West", kind="cic")
    main = ContractFactory(
        reference="VS-CORE",
        title="Victims' core service",
        category=victims,
        lead_provider=lead,
        lead_provider_area="North",
        lead_commissioner=pcc,
        agreement_type="contract",
        procurement_route="open_tender",
        status="extended",
        status_note="Contract being extended",
        value_note="Negotiated yearly",
        decision_reference="PCC-DEC-2022-04",
        contract_manager="A. Officer",
        internal_notes="Not the contract manager for satisfaction data",
        start_date=datetime.date(2022, 4, 1),
        end_date=datetime.date(2025, 3, 31),
        is_published=True,
        published_from=datetime.date(2022, 5, 1),
        purpose="Support for every victim of crime.",
        published_copy_url="https://example.gov.uk/copies/vs-core.pdf",
        copy_redacted=True,
        redaction_reason="Staff names removed",
        tender_url="https://example.gov.uk/itt/vs-core.pdf",
        under_procurement_act=True,
        threshold="above",
        light_touch=True,
        procurement_identifier="ocds-h6vhtk-04f1a2",
        contract_identifier="VS-2022-01",
        irrecoverable_vat=True,
        irrecoverable_vat_amount=Decimal("1200.50"),
        ending_reason="agreement",
        ended_on=datetime.date(2025, 3, 31),
        ending_note="Replaced by the new hub",
        breach="None",
        damages_or_settlement="None",
    )
    main.co_commissioners.set([council, nhs])
    ChangeFactory(
        contract=main,
        made_on=datetime.date(2024, 4, 1),
        description="Extended by a year",
        value_before=Decimal("259500"),
        value_after=Decimal("314672"),
        end_before=datetime.date(2024, 3, 31),
        end_after=datetime.date(2025, 3, 31),
        ground="provided_for",
        decision_reference="PCC-DEC-2024-01",
    )
    NoticeFactory(contract=main, notice_type="UK7", notice_id="2025/S 000-000001")
    KpiFactory(contract=main, measure=MeasureFactory(name="Satisfaction"), target="90%", order=1)
    main.cohorts.set([CohortFactory(name="Victims of crime"), CohortFactory(name="Young people")])
    ContractPartnerFactory(contract=main, provider=partner, role="subcontractor", area="West")
    ContractValueFactory(contract=main, year=2022, amount=Decimal("129500"), funding_stream=grant)
    ContractValueFactory(
        contract=main,
        year=2023,
        amount=Decimal("130000.50"),
        payer=council,
        funding_stream=core,
        note="Includes uplift",
    )
    ContractValue.objects.create(
        contract=main,
        start_date=datetime.date(2024, 4, 1),
        end_date=datetime.date(2024, 9, 30),
        amount=Decimal("55171.50"),
    )
    ExtensionOptionFactory(
        contract=main, year=2025, amount=Decimal("130000"), decision_due=datetime.date(2024, 12, 1)
    )
    ExtensionOptionFactory(contract=main, year=2026, amount=None, status="declined", note="Maybe")
    OutcomeFactory(
        contract=main,
        kind="result",
        measure=MeasureFactory(name="Feeling safer", family="MoJ cope and recover"),
        text="87% of IDVA clients felt safer",
        value=Decimal("87"),
        unit="percent",
        numerator=87,
        denominator=100,
        cohort="IDVA clients",
        period_start=datetime.date(2021, 4, 1),
        period_end=datetime.date(2022, 3, 31),
        period_label="2021–22 service users",
        source="Closure report",
        order=1,
    )
    OutcomeFactory(
        contract=main,
        kind="testimonial",
        text="“They listened.”",
        attribution="ISVA service user",
        consent="anonymised",
        is_published=False,
        order=2,
    )
    sub_line = ContractFactory(
        reference="VS-MALE",
        title="Male IDSVA",
        category=victims,
        lead_provider=lead,
        lead_commissioner=pcc,
        parent=main,
        status="planned",
        start_date=None,
        end_date=None,
        description="",
    )
    ContractValueFactory(contract=sub_line, year=2024, amount=Decimal("55200"))
    old = ContractFactory(reference="OLD-1", lead_commissioner=pcc, status="ended")
    old.archive()
    return main


def export_cells(tmp_path, name, **options):
    path = tmp_path / name
    write_workbook(path, **options)
    return workbook_cells(path)


def test_a_rich_register_survives_export_and_import_into_an_empty_database(tmp_path):
    build_rich_register()
    first = export_cells(tmp_path, "first.xlsx", include_archived=True)
    empty_the_register()

    report = import_workbook(tmp_path / "first.xlsx")

    assert report.ok, report.errors
    assert export_cells(tmp_path, "second.xlsx", include_archived=True) == first
    contract = Contract.objects.get(reference="VS-CORE")
    assert contract.total_value == Decimal("314672.00")
    assert contract.sub_lines.get().reference == "VS-MALE"
    assert Contract.objects.get(reference="OLD-1").is_archived
    assert FundingStream.objects.get(name="MoJ victims grant").provided_by.name == (
        "Ministry of Justice"
    )


def test_the_export_writes_money_as_numbers_dates_as_dates_and_whole_years_as_years(tmp_path):
    build_rich_register()

    cells = export_cells(tmp_path, "register.xlsx")

    values = cells["Values"]
    assert values[0] == [
        "reference*",
        "financial_year",
        "start_date",
        "end_date",
        "amount*",
        "funding_stream",
        "payer",
        "note",
    ]
    assert values[1][:5] == ["VS-CORE", "2022/23", None, None, 129500]
    assert values[3][:5] == [
        "VS-CORE",
        None,
        datetime.datetime(2024, 4, 1),
        datetime.datetime(2024, 9, 30),
        55171.5,
    ]
    assert [row[0] for row in cells["Contracts"][1:]] == ["VS-CORE", "VS-MALE"]


def test_the_real_register_survives_export_and_import_into_an_empty_database(tmp_path):
    call_command("load_register", str(FIXTURE), stdout=io.StringIO())
    contracts = Contract.objects.count()
    first = export_cells(tmp_path, "first.xlsx", include_archived=True)
    empty_the_register()

    report = import_workbook(tmp_path / "first.xlsx")

    assert report.ok, report.errors
    assert len(report.changes["Contracts"].created) == contracts
    assert export_cells(tmp_path, "second.xlsx", include_archived=True) == first


def test_reimporting_the_same_workbook_changes_nothing_and_adds_no_history(tmp_path):
    build_rich_register()
    write_workbook(tmp_path / "register.xlsx", include_archived=True)
    before = register_snapshot()

    report = import_workbook(tmp_path / "register.xlsx")

    assert report.ok, report.errors
    assert not report.has_changes
    assert report.summary_lines()[0] == "Providers: 0 created, 0 updated, 3 unchanged"
    assert "Values: 0 created, 0 updated, 4 unchanged" in report.summary_lines()
    assert register_snapshot() == before


def test_an_edited_workbook_changes_exactly_what_was_edited(tmp_path):
    from openpyxl import load_workbook

    build_rich_register()
    path = tmp_path / "register.xlsx"
    write_workbook(path)
    workbook = load_workbook(path)
    workbook["Contracts"]["B2"] = "Victims' core service (renamed)"
    workbook["Values"]["E3"] = 131000  # VS-CORE 2023/24
    workbook["Outcomes"].delete_rows(3)  # the testimonial
    workbook["Partners"].append(["VS-MALE", "Women Out West", "partner", "South"])
    workbook.save(path)
    values_history = ContractValue.history.count()

    report = import_workbook(path)

    assert report.ok, report.errors
    changes = report.changes
    assert changes["Contracts"].updated == ["VS-CORE"]
    assert changes["Values"].updated == ["VS-CORE 2023/24"]
    assert changes["Outcomes"].deleted == ["VS-CORE “They listened.”"]
    assert changes["Partners"].created == ["VS-MALE Women Out West (South)"]
    assert not changes["Providers"].has_changes
    assert not changes["Options"].has_changes
    assert ContractValue.history.count() == values_history + 1
    main = Contract.objects.get(reference="VS-CORE")
    assert main.title == "Victims' core service (renamed)"
    assert main.value_in("2023/24") == Decimal("131000")
    assert list(main.outcomes.values_list("kind", flat=True)) == ["result"]
    assert Contract.objects.get(reference="VS-MALE").partners.get().area == "South"


def test_a_dry_run_reports_what_would_change_but_writes_nothing(tmp_path, capsys):
    build_rich_register()
    write_workbook(tmp_path / "register.xlsx")
    empty_the_register()
    before = register_snapshot()

    call_command("import_register", str(tmp_path / "register.xlsx"), "--dry-run")

    output = capsys.readouterr().out
    assert "Contracts: 2 created, 0 updated, 0 unchanged" in output
    assert "Dry run: the workbook is valid; nothing was written." in output
    assert register_snapshot() == before


def test_the_export_leaves_out_archived_contracts_unless_asked(tmp_path):
    build_rich_register()

    current = export_cells(tmp_path, "current.xlsx")
    everything = export_cells(tmp_path, "all.xlsx", include_archived=True)

    assert "OLD-1" not in [row[0] for row in current["Contracts"]]
    archived_row = next(row for row in everything["Contracts"] if row[0] == "OLD-1")
    assert archived_row[-1] == "yes"


def test_the_export_command_filters_like_the_register_page(tmp_path, capsys):
    build_rich_register()
    ContractFactory(reference="OTHER-1", category=CategoryFactory(name="Youth"))

    call_command("export_register", str(tmp_path / "youth.xlsx"), "--category", "youth")

    assert "Wrote 1 contracts" in capsys.readouterr().out
    cells = workbook_cells(tmp_path / "youth.xlsx")
    assert [row[0] for row in cells["Contracts"][1:]] == ["OTHER-1"]
    assert [row[0] for row in cells["Categories"][1:]] == ["Youth"]
    assert len(cells["Providers"]) == 2  # the header and OTHER-1's one provider


def test_the_export_command_filters_by_status_and_refuses_unknown_names(tmp_path):
    build_rich_register()

    call_command(
        "export_register", str(tmp_path / "planned.xlsx"), "--status", "planned", stdout=None
    )

    cells = workbook_cells(tmp_path / "planned.xlsx")
    assert [row[0] for row in cells["Contracts"][1:]] == ["VS-MALE"]
    with pytest.raises(CommandError, match="There is no provider called “Nobody”"):
        call_command("export_register", str(tmp_path / "x.xlsx"), "--provider", "Nobody")


def test_the_blank_template_has_every_sheet_and_explains_every_column(tmp_path):
    write_template(tmp_path / "template.xlsx")

    cells = workbook_cells(tmp_path / "template.xlsx")

    assert list(cells) == ["Notes"] + [sheet.name for sheet in SHEETS]
    notes = {(row[0], row[1]): row for row in cells["Notes"][1:]}
    for sheet in SHEETS:
        assert cells[sheet.name] == [[column.header for column in sheet.columns]]
        for column in sheet.columns:
            assert notes[(sheet.name, column.name)][3], f"{sheet.name}.{column.name} unexplained"
    assert "case_study" in notes[("Outcomes", "kind")][3]
    assert import_workbook(tmp_path / "template.xlsx").ok


def test_the_format_documentation_names_every_sheet_and_column():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "workbook-format.md").read_text()

    for sheet in SHEETS:
        assert f"`{sheet.name}`" in docs
        for column in sheet.columns:
            assert f"`{column.name}`" in docs, f"{sheet.name}.{column.name} is undocumented"


def test_checking_a_workbook_takes_the_same_queries_however_many_contracts(tmp_path):
    def queries_for(count, name):
        for number in range(count):
            contract = ContractFactory(reference=f"BULK-{count}-{number}")
            ContractValueFactory(contract=contract)
            OutcomeFactory(contract=contract)
            ContractPartnerFactory(contract=contract)
        write_workbook(tmp_path / name)
        with CaptureQueriesContext(connection) as queries:
            report = import_workbook(tmp_path / name, dry_run=True)
        assert report.ok, report.errors
        return len(queries)

    assert queries_for(3, "small.xlsx") == queries_for(30, "large.xlsx")


def test_importing_archived_yes_archives_and_no_restores(tmp_path):
    from openpyxl import load_workbook

    build_rich_register()
    path = tmp_path / "register.xlsx"
    write_workbook(path, include_archived=True)
    workbook = load_workbook(path)
    contracts = workbook["Contracts"]
    archived = next(cell.column for cell in contracts[1] if cell.value == "archived")
    for row in contracts.iter_rows(min_row=2):
        row[archived - 1].value = {"OLD-1": "no", "VS-MALE": "yes"}.get(row[0].value, "no")
    workbook.save(path)
    earlier = timezone.now()

    report = import_workbook(path)

    assert report.ok, report.errors
    assert sorted(report.changes["Contracts"].updated) == ["OLD-1", "VS-MALE"]
    assert not Contract.objects.get(reference="OLD-1").is_archived
    assert Contract.objects.get(reference="VS-MALE").archived_at >= earlier


def test_text_that_looks_like_a_formula_or_has_word_line_breaks_survives(tmp_path):
    ContractFactory(reference="ODD-1", title="=SUM(A1:A9) is not a formula here")
    ContractFactory(reference="ODD-2", description="First line\x0bsecond line")
    write_workbook(tmp_path / "odd.xlsx")

    report = import_workbook(tmp_path / "odd.xlsx")

    assert report.ok, report.errors
    assert report.changes["Contracts"].updated == ["ODD-2"]
    assert Contract.objects.get(reference="ODD-1").title == "=SUM(A1:A9) is not a formula here"
    assert Contract.objects.get(reference="ODD-2").description == "First line\nsecond line"
