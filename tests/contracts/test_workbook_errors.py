"""A broken workbook is refused with every problem listed, in plain words, and nothing is written."""

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract
from contracts.workbook import import_workbook

from .workbook_files import (
    build_workbook,
    column_index,
    register_snapshot,
    set_cell,
    valid_sheets,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path):
    """The valid workbook, imported: each broken one must leave this register exactly as it is."""
    report = import_workbook(build_workbook(tmp_path / "valid.xlsx", valid_sheets()))
    assert report.ok, report.errors
    return register_snapshot()


def import_broken(tmp_path, sheets):
    report = import_workbook(build_workbook(tmp_path / "broken.xlsx", sheets))
    return [str(error) for error in report.errors]


CELL_ERRORS = [
    (
        "Values",
        2,
        "amount",
        "-500",
        "Values row 2, column amount: “-500” is negative; amounts must be £0 or more.",
    ),
    ("Values", 2, "amount", -500, "Values row 2, column amount: “-500” is negative"),
    (
        "Values",
        2,
        "amount",
        "lots",
        "Values row 2, column amount: “lots” is not an amount of money: write it like £1,234.56.",
    ),
    (
        "Values",
        3,
        "amount",
        12.345,
        "Values row 3, column amount: “12.345” has more than two decimal places; "
        "amounts are pounds and pence.",
    ),
    (
        "Values",
        2,
        "financial_year",
        "2024/26",
        "Values row 2, column financial_year: “2024/26” is not a financial year: a year "
        "starting in 2024 ends in 2025, so write 2024/25.",
    ),
    (
        "Values",
        2,
        "financial_year",
        "1850/51",
        "Values row 2, column financial_year: 1850 is outside the years the register holds",
    ),
    (
        "Values",
        2,
        "financial_year",
        None,
        "Values row 2, column financial_year: no period given: write a financial year like "
        "2022/23, or a start_date and end_date.",
    ),
    (
        "Values",
        3,
        "start_date",
        "1850-04-01",
        "Values row 3, column start_date: 1 April 1850 is outside the dates the register holds",
    ),
    (
        "Values",
        3,
        "end_date",
        "2023-01-31",
        "Values row 3, column end_date: The period ends (31 January 2023) before it starts "
        "(1 April 2023).",
    ),
    (
        "Values",
        3,
        "end_date",
        "30/09/2023 or so",
        "Values row 3, column end_date: “30/09/2023 or so” is not a date: write it as "
        "2024-03-31 or 31/03/2024.",
    ),
    (
        "Values",
        2,
        "reference",
        "NO-SUCH",
        "Values row 2, column reference: there is no contract “NO-SUCH” on the Contracts sheet.",
    ),
    (
        "Contracts",
        2,
        "end_date",
        "2021-03-31",
        "Contracts row 2, column end_date: The end date (31 March 2021) is before the start "
        "date (1 April 2022).",
    ),
    (
        "Contracts",
        3,
        "parent_reference",
        "NO-SUCH",
        "Contracts row 3, column parent_reference: there is no contract “NO-SUCH” on the "
        "Contracts sheet or in the register.",
    ),
    (
        "Contracts",
        3,
        "parent_reference",
        "VS-MALE",
        "Contracts row 3, column parent_reference: a contract cannot be a sub-line of itself.",
    ),
    (
        "Contracts",
        2,
        "lead_provider",
        "Nobody Ltd",
        "Contracts row 2, column lead_provider: “Nobody Ltd” is not on the Providers sheet; "
        "add it there first.",
    ),
    (
        "Contracts",
        2,
        "commissioners",
        "Cumberland Council; NHS England",
        "Contracts row 2, column commissioners: “NHS England” is not on the Commissioners "
        "sheet; add it there first.",
    ),
    (
        "Contracts",
        2,
        "lead_commissioner",
        "Home Office",
        "Contracts row 2, column lead_commissioner: “Home Office” is not on the Commissioners "
        "sheet",
    ),
    (
        "Contracts",
        2,
        "title",
        None,
        "Contracts row 2, column title: title is required but blank.",
    ),
    (
        "Contracts",
        2,
        "status",
        "Finished-ish",
        "Contracts row 2, column status: “Finished-ish” is not a status this register knows; "
        "use one of: planned, procurement, live, extended, ended, terminated.",
    ),
    (
        "Contracts",
        2,
        "agreement_type",
        "Handshake",
        "Contracts row 2, column agreement_type: “Handshake” is not a agreement_type this "
        "register knows; use one of: contract, grant, mou, sla.",
    ),
    (
        "Contracts",
        2,
        "reference",
        "VS CORE!",
        "Contracts row 2, column reference: Enter a valid “slug”",
    ),
    (
        "Partners",
        2,
        "role",
        "Boss",
        "Partners row 2, column role: “Boss” is not a role this register knows; use one of: "
        "partner, subcontractor.",
    ),
    (
        "Partners",
        2,
        "provider",
        "Nobody Ltd",
        "Partners row 2, column provider: “Nobody Ltd” is not on the Providers sheet",
    ),
    (
        "Providers",
        2,
        "kind",
        "Mutual",
        "Providers row 2, column kind: “Mutual” is not a kind this register knows; use one of: "
        "charity, cic, company, public_body, nhs, police, other.",
    ),
    (
        "Outcomes",
        2,
        "kind",
        "Anecdote",
        "Outcomes row 2, column kind: “Anecdote” is not a kind this register knows; use one of: "
        "result, statistic, target, aim, testimonial, case_study, award, other.",
    ),
    (
        "Outcomes",
        3,
        "unit",
        "furlongs",
        "Outcomes row 3, column unit: “furlongs” is not a unit this register knows; use one of: "
        "percent, count, hours, days, weeks, pounds, score.",
    ),
    (
        "Outcomes",
        3,
        "numerator",
        120,
        "Outcomes row 3, column numerator: The numerator (120) is larger than the denominator "
        "(100).",
    ),
    (
        "Outcomes",
        3,
        "value",
        150,
        "Outcomes row 3, column value: A percentage must be between 0 and 100, not 150.",
    ),
    (
        "Options",
        2,
        "financial_year",
        "2023/24",
        "Options row 2, column financial_year: this option's period overlaps the contract's "
        "value for 1 April 2023 to 30 September 2023",
    ),
]


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "message"),
    CELL_ERRORS,
    ids=[f"{case[0]}-{case[2]}-{case[3]}" for case in CELL_ERRORS],
)
def test_it_explains_a_bad_cell_and_writes_nothing(tmp_path, sheet, row, column, value, message):
    before = register_snapshot()

    errors = import_broken(tmp_path, set_cell(valid_sheets(), sheet, row, column, value))

    assert any(error.startswith(message) for error in errors), errors
    assert register_snapshot() == before


def test_it_refuses_a_contract_reference_given_twice(tmp_path, imported):
    sheets = valid_sheets()
    sheets["Contracts"].append(list(sheets["Contracts"][1]))

    errors = import_broken(tmp_path, sheets)

    assert (
        "Contracts row 4, column reference: “VS-CORE” is already on row 2; each contract "
        "reference must appear once." in errors
    )
    assert register_snapshot() == imported


def test_it_refuses_a_provider_named_twice(tmp_path, imported):
    sheets = valid_sheets()
    sheets["Providers"].append(["victim support", "charity", None])

    errors = import_broken(tmp_path, sheets)

    assert (
        "Providers row 4, column name: “victim support” is already on row 2; each name must "
        "appear once." in errors
    )


def test_it_refuses_parents_that_lead_back_to_the_contract(tmp_path, imported):
    sheets = set_cell(valid_sheets(), "Contracts", 2, "parent_reference", "VS-MALE")

    errors = import_broken(tmp_path, sheets)

    assert any("its parents lead back to itself (VS-CORE → VS-MALE → VS-CORE)" in e for e in errors)
    assert register_snapshot() == imported


@pytest.mark.parametrize(
    ("sheet", "column"), [("Contracts", "title"), ("Values", "reference"), ("Providers", "name")]
)
def test_it_reports_a_missing_required_column_once(tmp_path, imported, sheet, column):
    sheets = valid_sheets()
    at = column_index(sheets, sheet, column)
    sheets[sheet] = [row[:at] + row[at + 1 :] for row in sheets[sheet]]

    errors = import_broken(tmp_path, sheets)

    assert f"{sheet}: the required column “{column}” is missing from row 1." in errors
    assert not [error for error in errors if error.startswith(f"{sheet} row")]
    assert register_snapshot() == imported


def test_it_reports_an_unknown_column_and_an_unknown_sheet(tmp_path, imported):
    sheets = valid_sheets()
    sheets["Contracts"][0].append("colour")
    sheets["Budget"] = [["line", "amount"], ["Stationery", 10]]

    errors = import_broken(tmp_path, sheets)

    assert any(
        error.startswith("Contracts column M: “colour” is not a column of this sheet; the columns")
        for error in errors
    ), errors
    assert any(
        error.startswith("The sheet “Budget” is not part of the register format")
        for error in errors
    )
    assert register_snapshot() == imported


def test_it_lists_every_error_not_just_the_first(tmp_path, imported):
    sheets = set_cell(valid_sheets(), "Values", 2, "amount", "-1")
    set_cell(sheets, "Outcomes", 3, "numerator", 101)
    set_cell(sheets, "Contracts", 3, "status", "Sort of live")

    errors = import_broken(tmp_path, sheets)

    assert len(errors) == 3
    assert [error.split(",")[0] for error in errors] == [
        "Contracts row 3",
        "Values row 2",
        "Outcomes row 3",
    ]


@pytest.mark.parametrize(
    "content",
    [b"", b"reference,title\nVS-CORE,Core\n", b"PK\x03\x04 not really a zip"],
    ids=["empty", "csv", "broken zip"],
)
def test_it_refuses_a_file_that_is_not_a_workbook(tmp_path, imported, content):
    path = tmp_path / "register.xlsx"
    path.write_bytes(content)

    report = import_workbook(path)

    assert [str(error) for error in report.errors] == [
        "This file is not an Excel workbook (.xlsx). Save the spreadsheet as “Excel Workbook "
        "(.xlsx)” and try again."
    ]
    assert register_snapshot() == imported


def test_the_command_exits_with_an_error_and_lists_the_problems(tmp_path, imported, capsys):
    path = build_workbook(
        tmp_path / "broken.xlsx", set_cell(valid_sheets(), "Values", 2, "amount", "-500")
    )

    with pytest.raises(CommandError, match=r"1 error in broken.xlsx: nothing was imported"):
        call_command("import_register", str(path))

    assert "Values row 2, column amount: “-500” is negative" in capsys.readouterr().err
    assert register_snapshot() == imported


def test_it_accepts_the_obvious_spellings_of_choices(tmp_path):
    sheets = set_cell(valid_sheets(), "Outcomes", 3, "unit", "Per cent")
    set_cell(sheets, "Outcomes", 2, "kind", "case_study")
    set_cell(sheets, "Contracts", 2, "status", "LIVE")
    set_cell(sheets, "Contracts", 2, "agreement_type", "Memorandum of understanding")

    report = import_workbook(build_workbook(tmp_path / "spellings.xlsx", sheets))

    assert report.ok, report.errors
    contract = Contract.objects.get(reference="VS-CORE")
    assert (contract.status, contract.agreement_type) == ("live", "mou")
    assert Contract.objects.get(reference="VS-MALE").status == "procurement"
    assert [outcome.kind for outcome in contract.outcomes.order_by("pk")] == [
        "case_study",
        "result",
    ]
    assert contract.outcomes.get(kind="result").unit == "percent"
    assert contract.lead_provider.kind == "charity"


def test_a_database_refusal_is_reported_not_raised(tmp_path, imported, monkeypatch):
    from django.db import IntegrityError

    from contracts.workbook.plan import RegisterImport

    original_write = RegisterImport.write

    def write_then_fail(plan, user=None):
        original_write(plan, user)
        raise IntegrityError("UNIQUE constraint failed: contracts_contract.reference")

    monkeypatch.setattr(RegisterImport, "write", write_then_fail)
    sheets = set_cell(valid_sheets(), "Contracts", 2, "title", "Renamed")

    report = import_workbook(build_workbook(tmp_path / "clash.xlsx", sheets))

    assert [str(error) for error in report.errors] == [
        "The register refused the import, so nothing was written: UNIQUE constraint failed: "
        "contracts_contract.reference"
    ]
    assert not report.written
    assert register_snapshot() == imported


def test_it_refuses_a_sheet_with_more_rows_than_any_register(tmp_path, monkeypatch):
    from contracts.workbook import reader

    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    sheets = valid_sheets()
    sheets["Outcomes"].append(list(sheets["Outcomes"][1]))

    errors = import_broken(tmp_path, sheets)

    assert errors == ["Outcomes: the sheet has more than 2 rows; split the workbook."]
