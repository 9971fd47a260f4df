"""A workbook written the way a person writes imports on the first try, and says what it understood.

Web addresses without a scheme, spaces in emails, everyday words for kinds and
statuses, money as £2.2m or £1,234 pa, dates as 1st April 2017 or 01/04/2017,
financial years as 17/18: each is read, and each reinterpretation is listed in
the dry run and the admin preview. What cannot be read stays an error.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from contracts.models import BodyKind, CommissioningBody, Contract, ContractValue, Status
from contracts.workbook import import_workbook
from providers.models import Provider, ProviderKind

from .workbook_files import build_workbook, register_snapshot

pytestmark = pytest.mark.django_db


def as_a_person_writes_it():
    return {
        "Providers": [
            ["name*", "kind", "website", "email", "phone"],
            [
                "Safe Haven",
                "registered charity",
                "safehaven.org.uk",
                " info @safehaven.org.uk ",
                "01229  311102",
            ],
            [
                "Mendit Ltd",
                "Ltd",
                "https://mendit.example",
                "office@mendit.example",
                "0300 303 0157",
            ],
        ],
        "Commissioners": [
            ["name*", "kind"],
            ["Northshire OPCC", "Police and crime commissioner"],
            ["Northshire Council", "council"],
            ["Southby Council", "local authority"],
            ["Eastby Borough Council", "borough council"],
        ],
        "Contracts": [
            [
                "reference*",
                "title*",
                "category*",
                "lead_provider*",
                "lead_commissioner*",
                "commissioners",
                "agreement_type",
                "procurement_route",
                "status",
                "start_date",
                "end_date",
            ],
            [
                "NS-1",
                "Victims' service",
                "All crimes",
                "Safe Haven",
                "Northshire OPCC",
                "Northshire Council; Southby Council",
                "grant",
                "direct award",
                "active",
                "1st April 2017",
                "March 2020",
            ],
            [
                "NS-2",
                "Perpetrator programme",
                "Domestic abuse",
                "Mendit Ltd",
                "Northshire OPCC",
                "Eastby Borough Council",
                "contract",
                "open",
                "expired",
                "01/04/2017",
                "2019-03-31",
            ],
        ],
        "Values": [
            ["reference*", "financial_year", "start_date", "end_date", "amount*"],
            ["NS-1", "2017/18", None, None, "£2.2m"],
            ["NS-1", "2018-19", None, None, "£6.6 million"],
            ["NS-1", "19/20", None, None, "2,200,000.00"],
            ["NS-2", "FY2017", None, None, "£83.2k"],
            ["NS-2", None, "April 2018", "March 2019", "£1,234 pa"],
        ],
    }


def test_a_workbook_in_everyday_words_imports_on_the_first_try(tmp_path):
    report = import_workbook(build_workbook(tmp_path / "ours.xlsx", as_a_person_writes_it()))

    assert report.errors == []
    assert report.written
    haven = Provider.objects.get(name="Safe Haven")
    assert haven.kind == ProviderKind.CHARITY
    assert haven.website == "https://safehaven.org.uk"
    assert haven.email == "info@safehaven.org.uk"
    assert haven.phone == "01229 311102"
    assert Provider.objects.get(name="Mendit Ltd").kind == ProviderKind.COMPANY
    kinds = dict(CommissioningBody.objects.values_list("name", "kind"))
    assert kinds == {
        "Northshire OPCC": BodyKind.PCC,
        "Northshire Council": BodyKind.LOCAL_AUTHORITY,
        "Southby Council": BodyKind.LOCAL_AUTHORITY,
        "Eastby Borough Council": BodyKind.DISTRICT_COUNCIL,
    }
    first = Contract.objects.get(reference="NS-1")
    assert (first.agreement_type, first.procurement_route, first.status) == (
        "grant",
        "direct_award",
        Status.LIVE,
    )
    assert (first.start_date, first.end_date) == (
        datetime.date(2017, 4, 1),
        datetime.date(2020, 3, 31),  # "March 2020" ends a period: the last day of the month
    )
    second = Contract.objects.get(reference="NS-2")
    assert (second.procurement_route, second.status, second.start_date) == (
        "open_tender",
        Status.ENDED,
        datetime.date(2017, 4, 1),
    )
    values = sorted(
        ContractValue.objects.values_list("contract__reference", "start_date", "end_date", "amount")
    )
    assert values == [
        ("NS-1", datetime.date(2017, 4, 1), datetime.date(2018, 3, 31), Decimal("2200000")),
        ("NS-1", datetime.date(2018, 4, 1), datetime.date(2019, 3, 31), Decimal("6600000")),
        ("NS-1", datetime.date(2019, 4, 1), datetime.date(2020, 3, 31), Decimal("2200000")),
        ("NS-2", datetime.date(2017, 4, 1), datetime.date(2018, 3, 31), Decimal("83200")),
        ("NS-2", datetime.date(2018, 4, 1), datetime.date(2019, 3, 31), Decimal("1234")),
    ]


EXPECTED_REINTERPRETATIONS = [
    "Providers row 2, kind: read “registered charity” as Charity",
    "Providers row 2, website: read “safehaven.org.uk” as https://safehaven.org.uk",
    "Providers row 2, email: read “info @safehaven.org.uk” as info@safehaven.org.uk",
    "Providers row 2, phone: read “01229  311102” as 01229 311102",
    "Providers row 3, kind: read “Ltd” as Company",
    "Commissioners row 3, kind: read “council” as Local authority",
    "Commissioners row 4, kind: read “local authority” as Local authority",
    "Commissioners row 5, kind: read “borough council” as District or borough council",
    "Contracts row 2, procurement_route: read “direct award” as Direct award",
    "Contracts row 2, status: read “active” as Live",
    "Contracts row 2, start_date: read “1st April 2017” as 1 April 2017",
    "Contracts row 2, end_date: read “March 2020” as 31 March 2020, the last day of the month",
    "Contracts row 3, procurement_route: read “open” as Open tender",
    "Contracts row 3, status: read “expired” as Ended",
    "Contracts row 3, start_date: read “01/04/2017” as 1 April 2017",
    "Values row 2, amount: read “£2.2m” as £2,200,000",
    "Values row 3, financial_year: read “2018-19” as 2018/19",
    "Values row 3, amount: read “£6.6 million” as £6,600,000",
    "Values row 4, financial_year: read “19/20” as 2019/20",
    "Values row 5, financial_year: read “FY2017” as 2017/18",
    "Values row 5, amount: read “£83.2k” as £83,200",
    "Values row 6, start_date: read “April 2018” as 1 April 2018, the first day of the month",
    "Values row 6, end_date: read “March 2019” as 31 March 2019, the last day of the month",
    "Values row 6, amount: read “£1,234 pa” as £1,234 a year",
]


def test_every_reinterpretation_is_listed_and_nothing_else(tmp_path):
    report = import_workbook(
        build_workbook(tmp_path / "ours.xlsx", as_a_person_writes_it()), dry_run=True
    )

    assert report.errors == []
    assert [str(item) for item in report.reinterpretations] == EXPECTED_REINTERPRETATIONS
    assert Contract.objects.count() == 0  # a dry run writes nothing


def test_the_dry_run_command_lists_the_reinterpretations(tmp_path, capsys):
    path = build_workbook(tmp_path / "ours.xlsx", as_a_person_writes_it())

    call_command("import_register", str(path), "--dry-run")

    out = capsys.readouterr().out
    assert f"Read other than as written ({len(EXPECTED_REINTERPRETATIONS)}), check these:" in out
    assert "  Commissioners row 4, kind: read “local authority” as Local authority" in out
    assert "Dry run: the workbook is valid; nothing was written." in out


def test_an_exported_workbook_has_nothing_to_reinterpret(tmp_path):
    import_workbook(build_workbook(tmp_path / "ours.xlsx", as_a_person_writes_it()))
    from contracts.workbook import write_workbook

    write_workbook(tmp_path / "export.xlsx")
    report = import_workbook(tmp_path / "export.xlsx", dry_run=True)

    assert report.errors == []
    assert report.reinterpretations == []
    assert not report.has_changes


@pytest.mark.parametrize(
    ("sheet", "row", "column", "text", "message"),
    [
        (
            "Values",
            2,
            "amount",
            "about two million",
            "“about two million” is not an amount of money",
        ),
        ("Values", 2, "amount", "£2.2 bananas", "“£2.2 bananas” is not an amount of money"),
        ("Values", 2, "financial_year", "17/19", "“17/19” is not a financial year"),
        ("Contracts", 2, "start_date", "sometime in 2017", "“sometime in 2017” is not a date"),
        ("Contracts", 2, "start_date", "31/02/2017", "“31/02/2017” is not a real date"),
        ("Contracts", 2, "status", "sort of live", "“sort of live” is not a status"),
    ],
)
def test_what_cannot_be_read_stays_an_error_and_nothing_is_written(
    tmp_path, sheet, row, column, text, message
):
    import_workbook(build_workbook(tmp_path / "first.xlsx", as_a_person_writes_it()))
    before = register_snapshot()
    sheets = as_a_person_writes_it()
    index = [header.rstrip("*") for header in sheets[sheet][0]].index(column)
    sheets[sheet][row - 1][index] = text
    sheets["Providers"][1][2] = "changed.example.org"  # a change that must not be written

    report = import_workbook(build_workbook(tmp_path / "broken.xlsx", sheets))

    assert [str(error) for error in report.errors] == [
        next(str(error) for error in report.errors if message in str(error))
    ]
    assert str(report.errors[0]).startswith(f"{sheet} row {row}, column {column}: ")
    assert not report.written
    assert register_snapshot() == before


def test_a_refused_command_import_changes_nothing(tmp_path):
    sheets = as_a_person_writes_it()
    sheets["Values"][1][4] = "lots"

    with pytest.raises(CommandError, match=r"1 error in broken\.xlsx: nothing was imported"):
        call_command("import_register", str(build_workbook(tmp_path / "broken.xlsx", sheets)))

    assert Provider.objects.count() == 0
