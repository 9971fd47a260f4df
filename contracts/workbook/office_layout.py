"""A spreadsheet or CSV in an office's own layout, read into a draft register workbook.

One row per contract, headings of the office's own: each heading is recognised
by name and synonym (the Local Government Transparency Code's contract-register
columns among them), or by a mapping the person corrected before
(``HeadingMapping``); a heading that is neither is reported and not read. Each
row becomes a contract with its provider, commissioner and category gathered
onto their own sheets, and values per financial year from its total or annual
value and its dates. Every cell that had to be reinterpreted or assumed marks
its row ``check``, with the row's source text beside it.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from openpyxl import load_workbook

from commissioning.formats import format_date, format_money
from commissioning.fy import FinancialYear, parse_amount, parse_date

from .cells import CellError, read_choice, read_email, read_phone, read_url, shown
from .columns import CONTRACTS, OPTIONS, PROVIDERS, VALUES
from .draft import Draft, place_annual, place_total
from .source_files import SourceFileError

# A real register is a few hundred rows; a sheet far beyond is refused, not read for minutes.
MAX_SOURCE_ROWS = 10_000
MAX_SOURCE_COLUMNS = 200
MAX_CELL_CHARACTERS = 32_767  # what Excel itself allows in a cell
HEADING_SEARCH_ROWS = 10  # title rows above the headings are skipped


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    synonyms: str  # "; "-separated headings, compared as heading_key() makes them


FIELDS = (
    Field(
        "reference",
        "contract reference",
        "reference; reference number; ref; ref no; ref number; contract reference; contract ref; "
        "contract number; contract no; contract id; id; unique reference; contract reference "
        "number; our reference",
    ),
    Field(
        "title",
        "title",
        "title; title of agreement; contract title; title of contract; contract name; service; "
        "service name; name of contract; agreement title; project; project name; initiative; "
        "programme; name of service",
    ),
    Field(
        "description",
        "description",
        "description; description of goods and services; description of goods services; "
        "service description; details; summary; goods and services; description of service; "
        "scope; description of the contract",
    ),
    Field(
        "category",
        "category",
        "category; type; department; service area; directorate; theme; heading; portfolio; "
        "area of spend; expenditure category; responsible department; department responsible; "
        "service type; category of service",
    ),
    Field(
        "provider",
        "lead provider",
        "supplier name; supplier; provider; provider name; contractor; contractor name; "
        "organisation; organisation name; delivery partner; awarded to; vendor; lead provider; "
        "name of supplier; supplier names; organisation delivering; beneficiary; recipient",
    ),
    Field(
        "provider_number",
        "provider's registration number",
        "supplier registration number; registration number; supplier reg no",
    ),
    Field(
        "company_number",
        "provider's company number",
        "company number; companies house number; supplier company number; supplier company "
        "registration number; company registration number; beneficiary company number",
    ),
    Field(
        "charity_number",
        "provider's charity number",
        "charity number; charity registration number; supplier charity number; registered "
        "charity number; beneficiary charity number",
    ),
    Field(
        "provider_kind",
        "provider's kind",
        "sme vcse; sme vcs; vcse; supplier type; organisation type; provider type; "
        "sector; supplier status; type of supplier; type of organisation; whether sme or vcse; "
        "is the supplier an sme or vcse; voluntary community or social enterprise",
    ),
    Field("website", "provider's website", "website; web address; web site; url; supplier website"),
    Field(
        "email", "provider's email", "email; email address; e mail; contact email; supplier email"
    ),
    Field("phone", "provider's phone", "phone; telephone; phone number; telephone number; tel"),
    Field("address", "provider's address", "address; supplier address; postal address"),
    Field(
        "commissioner",
        "lead commissioner",
        "commissioner; lead commissioner; commissioned by; awarding body; contracting authority; "
        "buyer; funder; authority; lead authority",
    ),
    Field(
        "co_commissioners",
        "co-commissioners",
        "co commissioners; co commissioner; joint commissioners; co funded by; co funders; "
        "other commissioners; partners funding",
    ),
    Field(
        "start_date",
        "start date",
        "start date; start; contract start; contract start date; commencement date; "
        "date from; from; effective date; start of contract",
    ),
    Field(
        "end_date",
        "end date",
        "end date; end; contract end; contract end date; expiry date; expiry; date to; to; "
        "finish date; end of contract; contract expiry date; expires; ends; ending",
    ),
    Field(
        "review_date",
        "review date",
        "review date; date of review; next review; decision date; extension decision date; review",
    ),
    Field(
        "total_value",
        "total value",
        "total value; value; contract value; total contract value; value of contract; total; "
        "estimated value; total value of contract; value of agreement; total value gbp; "
        "value of the contract; whole life value; estimated total value",
    ),
    Field(
        "annual_value",
        "annual value",
        "annual value; value per annum; annual contract value; yearly value; value pa; "
        "per annum; annual cost; annual amount; value per year; annual value gbp",
    ),
    Field(
        "procurement_route",
        "procurement route",
        "procurement type; procurement route; procurement process; procurement method; "
        "route to market; procurement procedure; award procedure; tender type; "
        "invitation to quote or tender; whether itq or itt",
    ),
    Field(
        "agreement_type",
        "agreement type",
        "agreement type; contract type; type of agreement; type of contract; form of agreement",
    ),
    Field("status", "status", "status; contract status; stage"),
    Field(
        "contract_manager",
        "contract manager",
        "contract manager; contract owner; manager; lead officer; responsible officer; officer",
    ),
    Field(
        "decision_reference",
        "decision reference",
        "decision reference; decision; pcc decision; decision number; key decision; "
        "decision notice",
    ),
    Field(
        "cohorts",
        "cohorts",
        "cohort; cohorts; client group; service users; who for; beneficiaries; client groups",
    ),
    Field(
        "options",
        "extension options",
        "extension; extensions; extension options; options; option to extend; extension "
        "period; extension details; extension option",
    ),
    Field(
        "funding_stream",
        "funding stream",
        "funding stream; funding source; source of funding; budget; funded by; fund",
    ),
    Field("area", "area the provider covers", "area; locality; location; geographical area"),
    Field("notes", "internal notes", "notes; comments; remarks; internal notes"),
)
FIELDS_BY_NAME = {item.name: item for item in FIELDS}
IGNORE = ""  # a heading the person chose not to read


def heading_key(text):
    """How headings are compared: ``Title of Agreement*`` is ``title of agreement``."""
    text = re.sub(r"\(.*?\)", " ", str(text or ""))
    text = text.replace("&", " and ").replace("£", " ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


_SYNONYMS = {
    heading_key(word): item.name
    for item in FIELDS
    for word in item.synonyms.split(";")
    if word.strip()
}


def recognise(heading, remembered=None):
    """The field a heading means: the person's remembered choice first, then the synonyms.

    Returns a field name, IGNORE for a heading the person chose not to read, or None.
    """
    key = heading_key(heading)
    if remembered and key in remembered:
        return remembered[key]
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    # "Contract start date (dd/mm/yyyy)", "Total contract value £ inc VAT": the longest
    # synonym of three or more letters that the heading starts with.
    candidates = [word for word in _SYNONYMS if len(word) > 3 and key.startswith(word + " ")]
    return _SYNONYMS[max(candidates, key=len)] if candidates else None


# Reading the table ---------------------------------------------------------------------


def read_table(source):
    """The rows of a single-sheet spreadsheet or CSV as lists of cell values (bounded)."""
    if source.kind == "csv":
        return _csv_rows(source.path)
    return _xlsx_rows(source.path)


def _bounded(rows):
    table = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_SOURCE_ROWS + HEADING_SEARCH_ROWS:
            raise SourceFileError(
                f"The sheet has more than {MAX_SOURCE_ROWS:,} rows: a register is far "
                "smaller, so it was not read. Remove the rows that are not contracts."
            )
        cells = list(row[:MAX_SOURCE_COLUMNS])
        for index, value in enumerate(cells):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
                cells[index] = value[:MAX_CELL_CHARACTERS]
        table.append(cells)
    return table


def _xlsx_rows(path):
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise SourceFileError("The workbook could not be opened: it may be damaged.") from None
    try:
        sheets = list(workbook.worksheets)
        if not sheets:
            raise SourceFileError("The workbook has no sheets.")
        return _bounded(sheets[0].iter_rows(values_only=True)), [s.title for s in sheets[1:]]
    finally:
        workbook.close()


def _csv_rows(path):
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    previous = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARACTERS + 1)
    try:
        return _bounded(csv.reader(io.StringIO(text), dialect)), []
    except csv.Error as error:
        raise SourceFileError(f"The CSV file could not be read: {error}.") from None
    finally:
        csv.field_size_limit(previous)


def _find_headings(table, remembered):
    """(row index, {column index: field}) for the first row with two or more known headings."""
    best = None
    for index, row in enumerate(table[:HEADING_SEARCH_ROWS]):
        fields = {}
        for position, value in enumerate(row):
            if value is None or not str(value).strip():
                continue
            field_name = recognise(value, remembered)
            if field_name:
                fields[position] = field_name
        if len(fields) >= 2 and (best is None or len(fields) > len(best[1])):
            best = (index, fields)
    return best


# From a row to a contract ----------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return shown(value)
    return " ".join(shown(value).split())


def draft_from_table(table, office, remembered=None, other_sheets=()):
    """A Draft from the rows of an office's own contract list."""
    found = _find_headings(table, remembered or {})
    if found is None:
        raise SourceFileError(
            "No row of recognisable headings was found in the first "
            f"{HEADING_SEARCH_ROWS} rows: name the columns (for example Reference, Title, "
            "Supplier name, Start date, End date, Total value) and try again."
        )
    heading_row, fields = found
    headings = table[heading_row]
    draft = Draft(office=office)
    if other_sheets:
        draft.notes.append(
            "Only the first sheet was read; these were not: " + ", ".join(other_sheets) + "."
        )
    seen_fields = {}
    for position, value in enumerate(headings):
        if value is None or not str(value).strip():
            continue
        heading = _text(value)
        field_name = fields.get(position)
        draft.heading_fields[heading] = field_name or IGNORE
        if field_name is None:
            if remembered and heading_key(heading) in remembered:
                continue  # the person chose to leave it out
            draft.unrecognised.append(heading)
        elif field_name in seen_fields:
            draft.notes.append(
                f"“{heading}” also looks like the {FIELDS_BY_NAME[field_name].label}; only "
                f"“{seen_fields[field_name]}” was read as it."
            )
            del fields[position]
            draft.heading_fields[heading] = IGNORE
        else:
            seen_fields[field_name] = heading
            draft.mapping[heading] = FIELDS_BY_NAME[field_name].label
    draft.commissioner(office, kind="pcc")
    for row in table[heading_row + 1 :]:
        cells = {
            name: row[position] if position < len(row) else None
            for position, name in fields.items()
        }
        if all(value is None or not _text(value) for value in cells.values()):
            continue
        source = "; ".join(
            f"{_text(headings[position])}: {_text(row[position])}"
            for position in range(min(len(row), len(headings)))
            if position < len(row) and _text(row[position])
        )
        _contract_from_row(draft, cells, source)
    if not draft.contracts:
        raise SourceFileError("The sheet has headings but no rows of contracts under them.")
    return draft


def _contract_from_row(draft, cells, source):
    text = {name: _text(value) for name, value in cells.items()}
    checks = []
    title = text.get("title") or text.get("description", "")[:120]
    if not text.get("title"):
        checks.append("no title: made from the description" if title else "no title")
        title = title or "Untitled contract"
    reference = text.get("reference")
    if reference:
        reference = re.sub(r"[^A-Za-z0-9_\-]+", "-", reference).strip("-")[:50]
        if reference != text["reference"]:
            checks.append(f"reference “{text['reference']}” written as {reference}")
        if not reference or not draft.claim_reference(reference):
            checks.append(f"reference “{text['reference']}” is used twice: a new one was made")
            reference = draft.new_reference(title)
    else:
        reference = draft.new_reference(title)
        checks.append("no reference: one was made from the title")
    category = text.get("category") or "Uncategorised"
    if not text.get("category"):
        checks.append("no category: listed as Uncategorised")
    draft.category(category)
    provider = text.get("provider") or "Unknown supplier"
    if not text.get("provider"):
        checks.append("no supplier named")
    provider_row = draft.provider(provider)
    _provider_details(provider_row, text, checks)
    commissioner = text.get("commissioner") or draft.office
    draft.commissioner(commissioner)
    co_commissioners = [
        name.strip()
        for name in re.split(r"[;,/]", text.get("co_commissioners", ""))
        if name.strip()
    ]
    for name in co_commissioners:
        draft.commissioner(name)
    values = {
        "reference": reference,
        "title": title[:300],
        "category": category,
        "lead_provider": provider,
        "lead_provider_area": text.get("area", "")[:100],
        "lead_commissioner": commissioner,
        "commissioners": co_commissioners,
        "cohorts": [name.strip() for name in text.get("cohorts", "").split(";") if name.strip()],
        "description": text.get("description", ""),
        "contract_manager": text.get("contract_manager", "")[:200],
        "decision_reference": text.get("decision_reference", "")[:100],
        "internal_notes": text.get("notes", ""),
    }
    for name in ("status", "procurement_route", "agreement_type"):
        if text.get(name):
            try:
                values[name] = read_choice(
                    text[name],
                    CONTRACTS.column(name),
                    lambda message, n=name: checks.append(f"{n}: {message}"),
                )
            except CellError as error:
                checks.append(f"{name}: {error}")
    start = _date(cells.get("start_date"), text.get("start_date"), False, "start date", checks)
    end = _date(cells.get("end_date"), text.get("end_date"), True, "end date", checks)
    review = _date(cells.get("review_date"), text.get("review_date"), True, "review date", checks)
    if start and end and end < start:
        checks.append(f"the end date {format_date(end)} is before the start {format_date(start)}")
        start = end = None
    values["start_date"], values["end_date"] = start, end
    total = _amount(cells.get("total_value"), text.get("total_value"), "total value", checks)
    annual = _amount(cells.get("annual_value"), text.get("annual_value"), "annual value", checks)
    if total is not None and total.per_annum and annual is None:
        annual, total = total, None
    notes = []
    if text.get("funding_stream"):
        draft.funding_stream(text["funding_stream"])
    placed = _place(total, annual, start, end, checks, notes)
    if notes:
        values["value_note"] = "; ".join(notes)[:300]
    if review:
        values["internal_notes"] = "\n".join(
            part
            for part in (values["internal_notes"], f"Review date: {format_date(review)}")
            if part
        )
    draft.add(CONTRACTS.name, values, source, checks)
    for item in placed:
        draft.add(
            VALUES.name,
            {**item.values(reference), "funding_stream": text.get("funding_stream", "")},
            source,
        )
    if text.get("options"):
        _options(draft, reference, text["options"], end, annual, source)


# What an organisation's name says it is: "Peace Works CIC", "Mendit Ltd".
_KIND_IN_NAME = (
    (re.compile(r"\bC\.?I\.?C\.?$|community interest company", re.IGNORECASE), "cic"),
    (re.compile(r"\b(?:ltd|limited|plc|llp)\.?$", re.IGNORECASE), "company"),
    (re.compile(r"\bNHS\b|\bfoundation trust$", re.IGNORECASE), "nhs"),
    (re.compile(r"\bconstabulary$|\bpolice$", re.IGNORECASE), "police"),
)


def _provider_details(provider_row, text, checks):
    name = provider_row.values["name"]
    for pattern, kind in _KIND_IN_NAME:
        if pattern.search(name):
            provider_row.values.setdefault("kind", kind)
            break
    number = text.get("provider_number", "")
    if number:
        # Companies House numbers are 8 characters (often two letters and six digits);
        # Charity Commission numbers are 6 or 7 digits.
        if re.fullmatch(r"\d{6,7}", number):
            provider_row.values.setdefault("charity_number", number)
        else:
            provider_row.values.setdefault("company_number", number)
    if text.get("provider_kind") and "kind" not in provider_row.values:
        try:
            kind = read_choice(
                text["provider_kind"],
                PROVIDERS.column("kind"),
                lambda message: provider_row.check(f"kind: {message}"),
            )
            provider_row.values.setdefault("kind", kind)
        except CellError:
            word = text["provider_kind"].casefold()
            if "vcs" in word:
                provider_row.values.setdefault("kind", "charity")
                provider_row.check(f"kind: read “{text['provider_kind']}” as Charity")
            elif "sme" in word:
                provider_row.values.setdefault("kind", "company")
                provider_row.check(f"kind: read “{text['provider_kind']}” as Company")
    for name, reader in (("website", read_url), ("email", read_email), ("phone", read_phone)):
        if text.get(name):
            provider_row.values.setdefault(
                name,
                reader(text[name], lambda message, n=name: provider_row.check(f"{n}: {message}")),
            )
    if text.get("address"):
        provider_row.values.setdefault("address", text["address"])
    for name in ("company_number", "charity_number"):
        if text.get(name):
            provider_row.values.setdefault(name, text[name])


def _date(value, text, end, label, checks):
    if value is None or not text:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        checks.append(f"{label} “{text}” is not a date: left blank")
        return None
    try:
        parsed = parse_date(value, end=end)
    except ValueError:
        checks.append(f"{label} “{text}” is not a date: left blank")
        return None
    if parsed.month_only:
        which = "last" if end else "first"
        checks.append(
            f"{label} “{text}” read as {format_date(parsed.day)}, the {which} of the month"
        )
    return parsed.day


def _amount(value, text, label, checks):
    if value is None or not text:
        return None
    try:
        amount = parse_amount(value)
    except ValueError:
        checks.append(f"{label} “{text}” is not an amount: left out")
        return None
    if amount.value < 0:
        checks.append(f"{label} “{text}” is negative: left out")
        return None
    return amount


def _place(total, annual, start, end, checks, notes):
    """Value rows per financial year from the total or annual value and the dates."""
    if total is None and annual is None:
        return []
    if start is None or end is None:
        stated = format_money((total or annual).value) + (
            " a year" if total is None else " in total"
        )
        notes.append(f"{stated}; dates not given")
        checks.append(
            f"{stated} but no {'start' if start is None else 'end'} date: no yearly values made"
        )
        return []
    if total is not None:
        placed = place_total(total.value, start, end)
        if annual is not None:
            by_annual, _ = place_annual(annual.value, start, end)
            if sum(item.amount for item in by_annual) != total.value:
                checks.append(
                    f"total {format_money(total.value)} and annual {format_money(annual.value)} disagree over "
                    "the dates: the total was shared by days"
                )
        elif len(placed) > 1:
            checks.append(f"total {format_money(total.value)} shared between the years by days")
        return placed
    placed, part = place_annual(annual.value, start, end)
    if part:
        checks.append(f"annual value {format_money(annual.value)} shared by days in part years")
    return placed


_OPTION_YEARS = re.compile(r"(\d+)\s*(?:\+\s*(\d+)\s*)?(?:x\s*)?(?:years?|yrs?)", re.IGNORECASE)
_PLUS_YEARS = re.compile(r"^\s*(\d+)(?:\s*\+\s*(\d+))*\s*$")


def _options(draft, reference, text, end, annual, source):
    """Extension options: ``2 years``, ``1 + 1``, ``+1 2025/26 £130,000``."""
    checks = []
    years = 0
    if match := _PLUS_YEARS.match(text):
        years = sum(int(part) for part in re.findall(r"\d+", text))
    elif match := _OPTION_YEARS.search(text):
        years = int(match.group(1)) + int(match.group(2) or 0)
    if not years or end is None:
        draft.rows[CONTRACTS.name][-1].check(f"extension “{text}” not understood: no options made")
        return
    first = FinancialYear.containing(end) + 1
    if end != FinancialYear.containing(end).end:
        checks.append("the contract does not end on 31 March: options placed by financial year")
    for offset in range(min(years, 10)):
        draft.add(
            OPTIONS.name,
            {
                "reference": reference,
                "financial_year": first + offset,
                "amount": annual.value if annual else None,
                "status": "available",
            },
            source,
            checks + ([] if annual else ["no annual value: the option's amount is blank"]),
        )
