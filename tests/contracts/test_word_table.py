"""Cumbria's Word table, drafted and imported, gives back the register transcribed by hand.

The .docx is built here from the seed's text (tests/fixtures/cumbria_word_table.txt,
a copy of the seed). Its draft is imported into an empty register and compared with
the committed fixture (fixtures/cumbria_register.json): providers by name; contracts
by lead provider, start, end and status; values and options by lead provider,
period and amount. References and titles are the reader's own, so they are not
compared. The shares exactly equal are printed and held above a floor measured
when this was written; the differences are listed in docs/word-table-import.md.
"""

import json
import time
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from contracts.models import Contract, ContractValue, ExtensionOption
from contracts.workbook import import_workbook
from outcomes.models import Outcome
from providers.models import Provider

from .word_tables import build_docx, cumbria_rows
from .workbook_files import workbook_cells

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "cumbria_register.json"

# Shares exactly equal, measured on 2026-12-01 (see docs/word-table-import.md):
# providers 16/17, contracts 22/23, values 38/39, options 7/7. The one difference in each:
# the table names the Keep Safe service, not Cumbria Constabulary, which delivers it.
FLOORS = {"providers": 16, "contracts": 22, "values": 38, "options": 7}


def fixture_register():
    """The committed fixture as the tuples the comparison uses."""
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    providers = {
        row["pk"]: row["fields"]["name"] for row in rows if row["model"] == "providers.provider"
    }
    contracts = {row["pk"]: row["fields"] for row in rows if row["model"] == "contracts.contract"}

    def dated(model):
        return Counter(
            (
                providers[contracts[row["fields"]["contract"]]["lead_provider"]],
                row["fields"]["start_date"],
                row["fields"]["end_date"],
                Decimal(row["fields"]["amount"]) if row["fields"]["amount"] is not None else None,
            )
            for row in rows
            if row["model"] == model
        )

    return {
        "providers": Counter(providers.values()),
        "contracts": Counter(
            (
                providers[fields["lead_provider"]],
                fields["start_date"],
                fields["end_date"],
                fields["status"],
            )
            for fields in contracts.values()
        ),
        "values": dated("contracts.contractvalue"),
        "options": dated("contracts.extensionoption"),
    }


def imported_register():
    def dated(queryset):
        return Counter(
            (
                row.contract.lead_provider.name,
                row.start_date.isoformat(),
                row.end_date.isoformat(),
                row.amount,
            )
            for row in queryset.select_related("contract__lead_provider")
        )

    return {
        "providers": Counter(Provider.objects.values_list("name", flat=True)),
        "contracts": Counter(
            (
                contract.lead_provider.name,
                contract.start_date.isoformat() if contract.start_date else None,
                contract.end_date.isoformat() if contract.end_date else None,
                contract.status,
            )
            for contract in Contract.objects.select_related("lead_provider")
        ),
        "values": dated(ContractValue.objects.all()),
        "options": dated(ExtensionOption.objects.all()),
    }


def test_the_cumbria_word_table_drafts_into_the_register_transcribed_by_hand(tmp_path, capsys):
    started = time.perf_counter()
    source = build_docx(tmp_path / "PFCC Commissioned Services.docx", cumbria_rows())
    out = StringIO()
    call_command(
        "draft_workbook",
        str(source),
        str(tmp_path / "draft.xlsx"),
        "--as-of",
        "2023/24",
        stdout=out,
    )
    drafted = time.perf_counter()
    report = import_workbook(tmp_path / "draft.xlsx")
    imported = time.perf_counter()

    assert report.errors == []
    assert report.written
    expected, got = fixture_register(), imported_register()
    shares = {}
    for part in ("providers", "contracts", "values", "options"):
        equal = sum((expected[part] & got[part]).values())
        shares[part] = equal
        print(
            f"{part}: {equal} of {sum(expected[part].values())} exactly equal "
            f"({sum(got[part].values())} drafted); missing {sorted(expected[part] - got[part], key=str)}; "
            f"extra {sorted(got[part] - expected[part], key=str)}"
        )
    print(
        f"Word table → draft {drafted - started:.1f} s, draft → register {imported - drafted:.1f} s "
        f"({sum(len(rows) for rows in workbook_cells(tmp_path / 'draft.xlsx').values())} draft rows)"
    )
    for part, floor in FLOORS.items():
        assert shares[part] >= floor, f"{part}: {shares[part]} exactly equal, fewer than {floor}"
    assert "Read 17 providers, 1 commissioner" in out.getvalue()
    assert Outcome.objects.filter(kind="testimonial").exists()
    assert Outcome.objects.filter(kind="result", value=87).exists()


def test_every_assumption_is_marked_with_the_cells_text_beside_it(tmp_path):
    source = build_docx(tmp_path / "table.docx", cumbria_rows())
    call_command(
        "draft_workbook",
        str(source),
        str(tmp_path / "draft.xlsx"),
        "--as-of",
        "2023/24",
        stdout=StringIO(),
    )

    header, *rows = workbook_cells(tmp_path / "draft.xlsx")["Contracts"]
    contracts = [
        dict(zip([str(name).rstrip("*") for name in header], row, strict=False)) for row in rows
    ]
    pathways = next(row for row in contracts if row["title"] == "Remedi: Pathways")
    assert (
        "the stated total £633 is not the years' sum £633,300: the years were kept"
        in pathways["check"]
    )
    assert "Year 1: 196,600 2021/22" in pathways["read_from"]
    core = next(
        row
        for row in contracts
        if row["lead_provider"] == "Victim Support" and not row["parent_reference"]
    )
    assert "£994,502 read as a year's value, each year from 2023/24 to 2023/24" in core["check"]
    subs = [row["title"] for row in contracts if row["parent_reference"] == core["reference"]]
    assert subs == [
        "Male IDSVA",
        "Health IDSVA",
        "Independent Sexual Violence Advisor service (ISVA’s) as part of the Victim Support service",
    ]
    pakman = next(row for row in contracts if row["lead_provider"] == "TRAC Psychological")
    assert pakman["status"] == "procurement"
    assert pakman["status_note"] == "Currently the contract is an invitation to quote stage"
    assert "£19,600 from 16 October 2023 with no end: 12 months assumed" in pakman["check"]
    keep_safe = next(row for row in contracts if row["lead_provider"] == "Keep Safe")
    assert (keep_safe["value_note"], keep_safe["agreement_type"]) == ("Negotiated yearly", "mou")
