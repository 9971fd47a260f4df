"""Building small register workbooks in tests, and reading any workbook back as plain cell values."""

import copy

from openpyxl import Workbook, load_workbook

from contracts.models import (
    Category,
    Cohort,
    CommissioningBody,
    Contract,
    ContractPartner,
    ContractValue,
    ExtensionOption,
    FundingStream,
)
from contracts.workbook import reader
from outcomes.models import Measure, Outcome
from providers.models import Provider

# A small valid register: each test copies it and breaks one thing.
VALID_SHEETS = {
    "Providers": [
        ["name*", "kind", "charity_number"],
        ["Victim Support", "charity", "1201000"],
        ["Women Out West", "CIC", None],
    ],
    "Commissioners": [
        ["name*", "kind"],
        ["Cumbria OPCC", "pcc"],
        ["Cumberland Council", "unitary_council"],
    ],
    "Contracts": [
        [
            "reference*",
            "title*",
            "category*",
            "lead_provider*",
            "lead_commissioner*",
            "commissioners",
            "cohorts",
            "agreement_type",
            "status",
            "start_date",
            "end_date",
            "parent_reference",
        ],
        [
            "VS-CORE",
            "Victims' core service",
            "All crimes",
            "Victim Support",
            "Cumbria OPCC",
            "Cumberland Council",
            "Victims of crime; Young people",
            "contract",
            "live",
            "2022-04-01",
            "2025-03-31",
            None,
        ],
        [
            "VS-MALE",
            "Male IDSVA",
            "All crimes",
            "Victim Support",
            "Cumbria OPCC",
            None,
            None,
            "grant",
            "In procurement",
            None,
            None,
            "VS-CORE",
        ],
    ],
    "Partners": [
        ["reference*", "provider*", "role", "area"],
        ["VS-CORE", "Women Out West", "subcontractor", "West"],
    ],
    "Values": [
        ["reference*", "financial_year", "start_date", "end_date", "amount*", "funding_stream"],
        ["VS-CORE", "2022/23", None, None, "£129,500", "MoJ victims grant"],
        ["VS-CORE", None, "2023-04-01", "2023-09-30", 55171.5, None],
    ],
    "Options": [
        ["reference*", "financial_year", "amount", "status"],
        ["VS-CORE", "2025/26", 130000, "available"],
    ],
    "Outcomes": [
        ["reference*", "kind*", "text*", "value", "unit", "numerator", "denominator"],
        ["VS-CORE", "Case study", "A survivor's story", None, None, None, None],
        ["VS-CORE", "result", "87% felt safer", 87, "%", 87, 100],
    ],
}


def valid_sheets():
    return copy.deepcopy(VALID_SHEETS)


def column_index(sheets, sheet, name):
    return [header.rstrip("*") for header in sheets[sheet][0]].index(name)


def set_cell(sheets, sheet, row, column, value):
    """Set the cell at spreadsheet ``row`` (2 is the first data row) of ``column``."""
    sheets[sheet][row - 1][column_index(sheets, sheet, column)] = value
    return sheets


def build_workbook(path, sheets):
    """Write ``{sheet name: [header row, row, …]}`` to ``path`` as an .xlsx file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    workbook.save(path)
    return path


def workbook_cells(path):
    """Every sheet's cell values, row by row: what a person would see, without styles or dates."""
    workbook = load_workbook(path, read_only=True)
    try:
        return {
            worksheet.title: [list(row) for row in worksheet.iter_rows(values_only=True)]
            for worksheet in workbook
        }
    finally:
        workbook.close()


def register_snapshot():
    """Every stored row of the register and the number of history rows, for 'nothing changed'."""
    snapshot = {}
    for model in (
        Provider,
        CommissioningBody,
        Category,
        Cohort,
        FundingStream,
        Measure,
        Contract,
        ContractPartner,
        ContractValue,
        ExtensionOption,
        Outcome,
    ):
        snapshot[model.__name__] = sorted(map(repr, model.objects.values_list()))
        if hasattr(model, "history"):
            snapshot[f"{model.__name__} history"] = model.history.count()
    snapshot["co-commissioners"] = sorted(
        Contract.co_commissioners.through.objects.values_list("contract_id", "commissioningbody_id")
    )
    return snapshot


def calamine_asked(monkeypatch):
    """The workbooks the reader handed to calamine (a list that grows as they are read)."""
    asked = []
    original = reader._read_with_calamine

    def recording(stream):
        asked.append(stream)
        return original(stream)

    monkeypatch.setattr(reader, "_read_with_calamine", recording)
    return asked
