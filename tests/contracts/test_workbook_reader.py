"""Reading a workbook: calamine reads it fast, and gives exactly what openpyxl gave.

calamine reads every workbook the zip scan vouches for; openpyxl reads the rest
(reader.py, MAX_DENSE_CELLS). Whichever reads, the rows, values, errors and
reinterpretations are the same: these tests read the same files both ways.
"""

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter
from django.core.management import call_command
from openpyxl.chart import BarChart, Reference

from contracts.workbook import import_workbook, reader, write_workbook
from contracts.workbook.cells import shown

from .test_workbook_round_trip import build_rich_register
from .workbook_files import build_workbook, calamine_asked, set_cell, valid_sheets

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "cumbria_register.json"


def build_workbook_with_shared_strings(path, sheets):
    """As ``build_workbook``, written the way Excel writes text: in a shared strings part."""
    workbook = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        worksheet = workbook.add_worksheet(name)
        for number, row in enumerate(rows):
            for position, value in enumerate(row):
                if value is not None:
                    worksheet.write(number, position, value)
    workbook.close()
    return path


def read_both_ways(path):
    with open(path, "rb") as stream:
        by_calamine = reader._read_with_calamine(stream)
    with open(path, "rb") as stream:
        by_openpyxl = reader._read_with_openpyxl(stream)
    return by_calamine, by_openpyxl


def as_comparable(parsed):
    return (
        parsed.errors,
        parsed.reinterpretations,
        {
            name: (
                [column.name for column in sheet.columns],
                [(row.number, row.values, row.failed) for row in sheet.rows],
            )
            for name, sheet in parsed.sheets.items()
        },
    )


def test_a_plain_workbook_is_read_by_calamine_alone(tmp_path, monkeypatch):
    path = build_workbook(tmp_path / "plain.xlsx", valid_sheets())

    def not_needed(stream):
        raise AssertionError("openpyxl read a workbook calamine could read")

    monkeypatch.setattr(reader, "_read_with_openpyxl", not_needed)

    parsed = reader.read_workbook(path)

    assert parsed.errors == []
    assert parsed.rows("Values")[1].values["amount"] == 55171.5


def test_the_exported_real_register_reads_the_same_both_ways(tmp_path):
    call_command("load_register", str(FIXTURE), stdout=io.StringIO())
    write_workbook(tmp_path / "register.xlsx", include_archived=True)

    by_calamine, by_openpyxl = read_both_ways(tmp_path / "register.xlsx")

    assert by_calamine.sheets["Contracts"].rows
    assert as_comparable(by_calamine) == as_comparable(by_openpyxl)


def test_a_rich_register_reads_the_same_both_ways_and_keeps_its_types(tmp_path):
    build_rich_register()
    write_workbook(tmp_path / "rich.xlsx", include_archived=True)

    by_calamine, by_openpyxl = read_both_ways(tmp_path / "rich.xlsx")

    assert as_comparable(by_calamine) == as_comparable(by_openpyxl)
    values = by_calamine.rows("Values")
    assert {type(row.values["amount"]).__name__ for row in values} == {"Decimal"}
    assert any(isinstance(row.values["start_date"], datetime.date) for row in values)


@pytest.mark.parametrize("build", [build_workbook, build_workbook_with_shared_strings])
def test_typed_and_hand_written_cells_read_the_same_both_ways(tmp_path, build):
    sheets = valid_sheets()
    set_cell(sheets, "Values", 2, "amount", "  £129,500  ")
    set_cell(sheets, "Values", 3, "amount", 55171)
    set_cell(sheets, "Values", 3, "start_date", datetime.datetime(2023, 4, 1))
    set_cell(sheets, "Options", 2, "amount", "twelve")
    set_cell(sheets, "Outcomes", 3, "numerator", 87.25)
    set_cell(sheets, "Contracts", 2, "end_date", "31st March 2025")
    path = build(tmp_path / "typed.xlsx", sheets)

    by_calamine, by_openpyxl = read_both_ways(path)

    assert by_calamine.errors  # "twelve" and 87.25 as a whole number are refused, both ways
    assert as_comparable(by_calamine) == as_comparable(by_openpyxl)


# Cells of every kind a spreadsheet holds, each written with each number format.
CELLS = [
    1,
    0,
    -3,
    2_147_483_648,
    1234.5,
    0.1,
    1e20,
    True,
    False,
    "  padded  ",
    "",
    " ",
    "line\nbreak",
    "ünïcode £",
    "=not a formula",
    datetime.datetime(2024, 4, 1),
    datetime.datetime(2024, 4, 1, 13, 30),
    datetime.date(2024, 3, 31),
    datetime.time(13, 30),
    datetime.timedelta(hours=30),
]
NUMBER_FORMATS = [
    "General",
    "0.00",
    "@",
    "dd/mm/yyyy",
    "d mmmm yyyy",
    "mmm-yy",
    "h:mm",
    "[h]:mm:ss",
]
SERIALS = [45382, 45382.5, 0.25, 59, 60, 61, 1, 0]


def test_calamine_values_are_given_as_openpyxl_gives_them(tmp_path):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    for number, value in enumerate(CELLS, start=1):
        worksheet.cell(number, 1, value)
    for number, number_format in enumerate(NUMBER_FORMATS, start=1):
        for position, serial in enumerate(SERIALS, start=2):
            worksheet.cell(number, position, serial).number_format = number_format
    worksheet.cell(3, 12, "after a gap")
    workbook.save(tmp_path / "cells.xlsx")
    width = 14

    by_openpyxl = openpyxl.load_workbook(tmp_path / "cells.xlsx", read_only=True, data_only=True)
    try:
        expected = [
            list(row) for row in by_openpyxl.active.iter_rows(max_col=width, values_only=True)
        ]
    finally:
        by_openpyxl.close()
    with python_calamine.CalamineWorkbook.from_path(tmp_path / "cells.xlsx") as by_calamine:
        rows = by_calamine.get_sheet_by_name("Sheet").to_python(skip_empty_area=False)
    given = list(reader._as_openpyxl_gives(rows, width))

    for number, (row, expected_row) in enumerate(zip(given, expected, strict=True), start=1):
        padded = list(row) + [None] * (width - len(row))
        for position, (value, wanted) in enumerate(zip(padded, expected_row, strict=True)):
            where = f"row {number}, column {position + 1}"
            assert value == wanted, where
            assert type(value) is type(wanted), f"{where}: {value!r} for {wanted!r}"
    assert given[3][0] == 2_147_483_648  # whole numbers stay int, however large a figure
    assert type(given[0][0]) is int


def test_an_error_cell_is_quoted_as_before(tmp_path, monkeypatch):
    sheets = set_cell(valid_sheets(), "Values", 2, "amount", "#N/A")  # openpyxl writes an error
    path = build_workbook(tmp_path / "error.xlsx", sheets)
    asked = calamine_asked(monkeypatch)

    found = [str(error) for error in import_workbook(path, dry_run=True).errors]

    assert found == [
        "Values row 2, column amount: “#N/A” is not an amount of money: write it like £1,234.56."
    ]
    assert asked == []


def test_an_escaped_character_is_decoded_once_as_before(tmp_path, monkeypatch):
    sheets = set_cell(valid_sheets(), "Providers", 3, "name", "PLACEHOLDER")
    path = build_workbook(tmp_path / "escaped.xlsx", sheets)
    with zipfile.ZipFile(path) as original:
        parts = [(info.filename, original.read(info)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, content in parts:
            rewritten.writestr(name, content.replace(b"PLACEHOLDER", b"Out_x005F_x0041_West"))
    asked = calamine_asked(monkeypatch)

    parsed = reader.read_workbook(path)

    assert parsed.rows("Providers")[1].values["name"] == "Out_x0041_West"
    assert asked == []


def test_whatever_calamine_raises_openpyxl_reads_the_workbook(tmp_path, monkeypatch):
    class Panic(BaseException):
        """As pyo3 raises a panic inside the Rust reader."""

    def panicking(stream):
        raise Panic("index out of bounds")

    monkeypatch.setattr(reader, "_read_with_calamine", panicking)
    path = build_workbook(tmp_path / "ok.xlsx", valid_sheets())

    parsed = reader.read_workbook(path)

    assert parsed.errors == []
    assert [row.values["name"] for row in parsed.rows("Providers")] == [
        "Victim Support",
        "Women Out West",
    ]


def test_shown_values_match_for_whole_numbers_however_they_were_written():
    assert shown(1234) == shown(1234.0) == "1234"


def test_a_workbook_counting_days_from_1904_reads_the_same_both_ways(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    sheets = set_cell(valid_sheets(), "Values", 3, "start_date", datetime.datetime(2023, 4, 1))
    set_cell(sheets, "Values", 3, "end_date", datetime.datetime(2023, 9, 30, 12, 0))
    path = build_workbook(tmp_path / "mac.xlsx", sheets)
    workbook = openpyxl.load_workbook(path)
    workbook.epoch = CALENDAR_MAC_1904  # as Excel for Mac wrote workbooks until 2011
    workbook.save(path)

    by_calamine, by_openpyxl = read_both_ways(path)

    assert as_comparable(by_calamine) == as_comparable(by_openpyxl)
    assert by_calamine.rows("Values")[1].values["start_date"] == datetime.date(2023, 4, 1)


def test_a_chart_sheet_named_like_a_register_sheet_is_read_as_empty_both_ways(tmp_path):
    # A chart sheet has no cells: openpyxl gives it no rows to iterate (it raised, a 500).
    sheets = valid_sheets()
    del sheets["Outcomes"]
    path = build_workbook(tmp_path / "chart.xlsx", sheets)
    workbook = openpyxl.load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(workbook["Values"], min_col=1, min_row=1, max_row=3))
    workbook.create_chartsheet("Outcomes").add_chart(chart)
    workbook.save(path)

    by_calamine, by_openpyxl = read_both_ways(path)

    assert as_comparable(by_calamine) == as_comparable(by_openpyxl)
    assert by_openpyxl.rows("Contracts")
    assert any(error.sheet == "Outcomes" for error in by_openpyxl.errors)


def test_a_chart_sheet_without_its_drawing_is_refused_with_a_message(tmp_path):
    # Hand-made: openpyxl's loader trips over the missing part (AttributeError, once a 500).
    path = build_workbook(tmp_path / "chart.xlsx", valid_sheets())
    workbook = openpyxl.load_workbook(path)
    workbook.create_chartsheet("Chart")
    workbook.save(path)

    with open(path, "rb") as stream:
        parsed = reader._read_with_openpyxl(stream)

    assert [error.message for error in parsed.errors] == [reader.NOT_A_WORKBOOK]
