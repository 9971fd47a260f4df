"""Hostile workbooks for `make bench`: each small file an attacker could upload, built here.

Each is checked as the admin upload checks it (a dry run) in a child process, so
the table shows the time and the peak memory the worst of them costs.
"""

import io
import zipfile

from openpyxl import Workbook

HEADERS = {
    "Providers": ["name*", "kind"],
    "Values": ["reference*", "financial_year", "amount*"],
    "Outcomes": ["reference*", "kind*", "text*", "numerator"],
}


def _workbook(rows):
    """An .xlsx of the register's sheets with ``rows`` ({sheet: [row, …]}), as bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, header in HEADERS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows.get(name, []):
            sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def _rewrite(content, transform):
    """Apply ``transform(name, bytes) -> bytes`` to every part of the .xlsx zip."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, transform(info.filename, source.read(info)))
    return out.getvalue()


def _sheets(transform):
    return lambda name, part: transform(part) if name.startswith("xl/worksheets/") else part


def huge_exponent():
    return _workbook({"Outcomes": [["X", "result", "87% felt safer", "1e999999999"]]})


def huge_amounts():
    return _workbook({"Values": [["X", "2024/25", "9" * 30]] * 200})


def declared_dimension():
    content = _workbook({"Providers": [["Victim Support", "charity"]]})

    def declare(part):
        start = part.index(b"<dimension ref=")
        end = part.index(b"/>", start) + 2
        return part[:start] + b'<dimension ref="A1:XFD1048576" />' + part[end:]

    def far_row(part):
        # One row a million rows down: every row before it is yielded as an empty row.
        return part.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="inlineStr">'
            b"<is><t>x</t></is></c></row></sheetData>",
        )

    return _rewrite(content, _sheets(lambda part: far_row(declare(part))))


def megabyte_cells():
    huge = "x" * 3_000_000
    return _workbook({"Providers": [[huge, huge]] * 4, "Values": [[huge, huge, huge]] * 4})


def problem_flood():
    return _workbook({"Values": [["X", "2024/25", "lots"]] * 20_000})


def entity_declarations():
    content = _workbook({"Providers": [["Victim Support", "charity"]]})
    laughs = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    return _rewrite(content, _sheets(lambda part: laughs + part))


def truncated_sheet():
    content = _workbook({"Providers": [["Victim Support", "charity"]] * 50})
    return _rewrite(content, _sheets(lambda part: part[: len(part) // 2]))


HOSTILE_UPLOADS = {
    "enormous exponent (1e999999999)": huge_exponent,
    "30-digit amounts, 200 rows": huge_amounts,
    "declared 16,384 columns, a row 1,048,576 down": declared_dimension,
    "3 MB cells": megabyte_cells,
    "20,000 problems": problem_flood,
    "entity declarations (billion laughs)": entity_declarations,
    "truncated sheet XML": truncated_sheet,
}
