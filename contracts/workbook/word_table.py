"""A Word table like Cumbria's "PFCC Commissioned Services", read into a draft register workbook.

One row per service, with columns such as type or category, organisation,
description, contract details and outcomes, in whatever order the headings
say. From the contract-details cell it reads values per year or per annum,
totals, periods and end dates, and extension options; from the outcomes cell
results with their percentages, statistics and quoted testimonials. A row with
several amounts, each with its own end, becomes several contracts (when the
description names as many programmes) or a main contract with sub-lines.

Everything it assumes is marked ``check`` on the row, with the cell's text
beside it: a person confirms the draft rather than retypes the table. The
rules for what the words mean follow how the Cumbria table was transcribed
by hand (docs/fixture-notes.md).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

import docx

from commissioning.formats import format_date, format_money
from commissioning.fy import FinancialYear, parse_amount, parse_date

from .columns import CONTRACTS, OPTIONS, OUTCOMES, PARTNERS, VALUES
from .draft import Draft, Placed, place_annual
from .office_layout import MAX_CELL_CHARACTERS, MAX_SOURCE_ROWS, heading_key
from .source_files import SourceFileError

MAX_TABLES = 50

# Which column is which, by words in its heading.
COLUMN_WORDS = (
    ("details", ("contract details", "value", "contract", "funding", "cost")),
    ("outcomes", ("outcome", "impact", "result", "performance")),
    ("provider", ("organisation", "provider", "supplier", "delivered by", "organization")),
    ("description", ("description", "service", "about")),
    ("category", ("type", "category", "theme", "area", "heading", "cohort")),
)


def _column_of(heading):
    key = heading_key(heading)
    for name, words in COLUMN_WORDS:
        if any(word in key for word in words):
            return name
    return None


def _cell_text(cell):
    lines = [paragraph.text for paragraph in cell.paragraphs]
    for table in cell.tables:  # a table inside a cell: its rows as tab-separated lines
        for row in table.rows:
            lines.append("\t".join(inner.text for inner in _unique_cells(row)))
    return "\n".join(lines)[:MAX_CELL_CHARACTERS]


def _unique_cells(row):
    """A row's cells, each once: a merged cell is returned once per grid column."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def _register_table(document):
    """The first table whose first row names at least an organisation and contract details."""
    for table in document.tables[:MAX_TABLES]:
        if not table.rows:
            continue
        headings = [_cell_text(cell) for cell in _unique_cells(table.rows[0])]
        columns = {}
        for position, heading in enumerate(headings):
            name = _column_of(heading)
            if name and name not in columns.values():
                columns[position] = name
        if {"provider", "details"} <= set(columns.values()) or len(columns) >= 3:
            return table, headings, columns
    raise SourceFileError(
        "No table with recognisable headings was found in the document: the register's table "
        "needs a first row naming its columns, such as Organisation, Description, Contract "
        "details and Outcomes."
    )


def draft_from_docx(path, office, as_of=None):
    """A Draft from the register table of the Word document at ``path``."""
    try:
        document = docx.Document(str(path))
    except Exception:  # python-docx raises many kinds for a damaged file
        raise SourceFileError("The Word document could not be opened: it may be damaged.") from None
    table, headings, columns = _register_table(document)
    as_of = as_of or FinancialYear.current()
    draft = Draft(office=office)
    draft.commissioner(office, kind="pcc")
    for position, heading in enumerate(headings):
        if position in columns:
            draft.mapping[" ".join(heading.split())] = columns[position]
        elif heading.strip():
            draft.unrecognised.append(" ".join(heading.split()))
    draft.notes.append(
        f"Values given per annum with only an end date are placed in each year from {as_of} "
        "(the year the table was written) to their end: give the year the table was written "
        "if it is not this one."
    )
    rows = table.rows
    if len(rows) > MAX_SOURCE_ROWS:
        raise SourceFileError(f"The table has more than {MAX_SOURCE_ROWS:,} rows.")
    for number, row in enumerate(rows[1:], start=2):
        cells = _unique_cells(row)
        text = {
            name: _cell_text(cells[position]) if position < len(cells) else ""
            for position, name in columns.items()
        }
        if not any(value.strip() for value in text.values()):
            continue
        RowReader(draft, text, number, as_of).read()
    if not draft.contracts:
        raise SourceFileError("The table has headings but no rows of services under them.")
    return draft


# The words of a contract-details cell ---------------------------------------------------

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r"\s+\d{4}"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|" + _MONTHS + r"\s+\d{4})"
)
DATE = re.compile(_DATE, re.IGNORECASE)
PERIOD = re.compile(
    r"(?P<start>" + _DATE + r")\s*[–—\-]+\s*(?P<end>" + _DATE + r"|\d{4}\b)", re.IGNORECASE
)
MONEY = re.compile(r"£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|million)\b)?", re.IGNORECASE)
BARE_MONEY = re.compile(r"(?<![\d£/.])\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?![\d/])")
YEAR_LABEL = re.compile(r"\b(?:FY\s?)?(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\b")
END_MARK = re.compile(
    r"\b(?:ends?|end of|ending|up to|until|to)\s+(?:on\s+)?(?P<date>" + _DATE + r")",
    re.IGNORECASE,
)
YEAR_SECTION = re.compile(r"\bYear\s+(\d+)\s*:?", re.IGNORECASE)
MONTHS_STATED = re.compile(r"\bfor\s+(\d{1,2})\s+months\b", re.IGNORECASE)
PLUS_OPTION = re.compile(
    r"\+\s*1\s+(?P<year>(?:FY\s?)?\d{4}\s*[/\-–]\s*\d{2,4})\s+(?P<amount>£\s?\d[\d,]*(?:\.\d+)?k?)",
    re.IGNORECASE,
)
FURTHER_YEARS = re.compile(
    r"option\s+of\s+(?:a\s+)?(?:further|an?\s+additional|another|extra)\s+"
    r"(?P<count>\d+|one|two|three)?\s*(?:more\s+)?years?",
    re.IGNORECASE,
)
OPTION_TOTAL = re.compile(
    r"(?:would\s+total\s+to|total\s+is|total\s+of|totalling)\s+(?P<amount>£\s?\d[\d,]*(?:\.\d+)?k?)",
    re.IGNORECASE,
)
STATED_TOTAL = re.compile(r"\bTOTAL\s*:?\s*(?P<amount>£?\s?\d[\d,]*(?:\.\d+)?k?)", re.IGNORECASE)
ANNUAL_WORDS = re.compile(r"each year|per annum|\bp\.?a\.?\b|a year|per year|yearly", re.IGNORECASE)
TOTAL_WORDS = re.compile(r"worth|contract amount|total|in total|overall", re.IGNORECASE)
INCLUDED = re.compile(r"^\s*(included in .+?)\s*$", re.IGNORECASE | re.MULTILINE)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "an": 1, "a": 1}


def _money(text):
    return parse_amount(text.replace(" ", "")).value


def _date(text, end=False):
    return parse_date(" ".join(text.split()), end=end)


@dataclass
class Block:
    """One contract's money read from the details cell."""

    position: int
    amount: Decimal | None = None
    kind: str = "plain"  # plain, annual or total
    end: datetime.date | None = None
    note: str = ""
    sentence: str = ""


@dataclass
class ContractDraft:
    title: str
    reference: str = ""
    provider: str = ""
    area: str = ""
    partners: list = field(default_factory=list)  # (name, area)
    start: datetime.date | None = None
    end: datetime.date | None = None
    values: list = field(default_factory=list)  # Placed
    options: list = field(default_factory=list)  # (FinancialYear, amount or None)
    value_note: str = ""
    description: str = ""
    parent: str = ""
    checks: list = field(default_factory=list)
    funding_stream: str = ""


class RowReader:
    """One table row: its category, provider(s), contract(s), values, options and outcomes."""

    def __init__(self, draft, text, number, as_of):
        self.draft, self.text, self.number, self.as_of = draft, text, number, as_of
        self.checks = []

    # The whole row -------------------------------------------------------------------

    def read(self):
        category_text, remarks = _remarks(self.text.get("category", ""))
        provider_text, more_remarks = _remarks(self.text.get("provider", ""))
        remarks += more_remarks
        category = ", ".join(_lines(category_text))[:200] or "Uncategorised"
        if not category_text.strip():
            self.checks.append("no type or category: listed as Uncategorised")
        provider, initiative = _provider_and_initiative(provider_text)
        description = self.text.get("description", "").strip()
        areas = _area_lines(description)
        partners = []
        if areas:
            # "South <tab> Women's Community Matters - Barrow": the first named leads.
            initiative = initiative or provider
            (provider, area), *partners = areas
            self.checks.append(
                f"{provider} taken as lead ({area}), "
                + ", ".join(f"{name} ({where})" for name, where in partners)
                + " as partners"
            )
        else:
            area = ""
        if not provider:
            provider = "Unknown provider"
            self.checks.append("no organisation named")
        self.draft.category(category)
        self.draft.provider(provider)
        for name, _ in partners:
            self.draft.provider(name)
        status, status_note, internal = "live", "", []
        for remark in remarks:
            lowered = remark.casefold()
            if re.search(r"invitation to quote|tender|procurement", lowered):
                status, status_note = "procurement", remark
            elif re.search(r"extended|extension", lowered):
                status, status_note = "extended", remark
            else:
                internal.append(remark)
        if remarks:
            self.checks.append("remarks in the type or organisation cell: check the status")
        contracts = self._contracts(provider, area, partners, initiative, description, category)
        main_reference = ""
        for index, contract in enumerate(contracts):
            contract.reference = self.draft.new_reference(contract.title or provider)
            if index == 0:
                main_reference = contract.reference
            if contract.parent == "main":
                contract.parent = main_reference
            row_checks = self.checks + contract.checks
            values = {
                "reference": contract.reference,
                "title": contract.title[:300],
                "category": category,
                "lead_provider": contract.provider,
                "lead_provider_area": contract.area,
                "lead_commissioner": self.draft.office,
                "status": status,
                "status_note": status_note[:300],
                "start_date": contract.start,
                "end_date": contract.end,
                "value_note": contract.value_note[:300],
                "description": contract.description,
                "parent_reference": contract.parent,
                "internal_notes": "\n".join(internal),
            }
            if re.search(r"\bMOU\b|memorandum", self.text.get("details", ""), re.IGNORECASE):
                values["agreement_type"] = "mou"
            self.draft.add(CONTRACTS.name, values, self._source(), row_checks)
            for name, where in contract.partners:
                self.draft.add(
                    PARTNERS.name,
                    {"reference": contract.reference, "provider": name, "area": where},
                )
            for placed in contract.values:
                row = placed.values(contract.reference)
                if contract.funding_stream:
                    self.draft.funding_stream(contract.funding_stream)
                    row["funding_stream"] = contract.funding_stream
                self.draft.add(VALUES.name, row)
            for year, amount in contract.options:
                self.draft.add(
                    OPTIONS.name,
                    {
                        "reference": contract.reference,
                        "financial_year": year,
                        "amount": amount,
                        "status": "available",
                    },
                    self.text.get("details", ""),
                    [] if amount is not None else ["the option's amount is not given"],
                )
        self._outcomes(contracts)

    def _source(self):
        return "\n".join(
            f"{name}: {' '.join(value.split())}"
            for name, value in self.text.items()
            if value.strip()
        )

    # Contracts and their money ---------------------------------------------------------

    def _contracts(self, provider, area, partners, initiative, description, category):
        details = self.text.get("details", "")
        programmes = _programmes(description)
        if YEAR_SECTION.search(details):
            contract = ContractDraft(initiative or _title(description, provider, category))
            self._yearly(contract, details)
            blocks_contracts = [contract]
        else:
            blocks = _blocks(details)
            if len(blocks) > 1 and len(programmes) == len(blocks):
                blocks_contracts = []
                for block, (title, text) in zip(blocks, programmes, strict=True):
                    contract = ContractDraft(title, description=text)
                    self._block(contract, block, details)
                    blocks_contracts.append(contract)
                self.checks.append(f"one row read as {len(blocks)} contracts, one per programme")
            elif len(blocks) > 1:
                main = ContractDraft(initiative or _title(description, provider, category))
                self._block(main, blocks[0], details)
                named = _dash_names(description)[-(len(blocks) - 1) :]
                blocks_contracts = [main]
                for index, block in enumerate(blocks[1:]):
                    title, paragraph = (
                        named[index]
                        if index < len(named)
                        else (f"{main.title} part {index + 2}", "")
                    )
                    sub = ContractDraft(title, parent="main", description=paragraph)
                    self._block(sub, block, details)
                    self._included_in(sub, block)
                    delivered = _providers_with_areas(paragraph)
                    if delivered:
                        # "Safety Net (North and West Cumbria) / Birchall Trust (South Cumbria)"
                        (sub.provider, sub.area), *sub.partners = delivered
                        for name, _ in delivered:
                            self.draft.provider(name)
                        sub.checks.append(
                            f"{sub.provider} taken as lead ({sub.area})"
                            + "".join(
                                f", {name} ({area}) as partner" for name, area in sub.partners
                            )
                        )
                    blocks_contracts.append(sub)
                self.checks.append(
                    f"one row read as a main contract with {len(blocks) - 1} sub-line"
                    + ("s" if len(blocks) > 2 else "")
                )
            else:
                contract = ContractDraft(initiative or _title(description, provider, category))
                if blocks:
                    self._block(contract, blocks[0], details)
                elif details.strip():
                    contract.value_note = " ".join(details.split())[:300]
                    contract.checks.append("no amount found in the contract details")
                blocks_contracts = [contract]
            self._options(blocks_contracts[0], details)
        for contract in blocks_contracts:
            contract.provider = contract.provider or provider
            if contract is blocks_contracts[0]:
                contract.area, contract.partners = area, partners
                if not contract.description:
                    contract.description = description
        return blocks_contracts

    def _yearly(self, contract, details):
        """``Year 1: 01/04/22 – 31/03/23 £129,500``, ``Year 1: 196,600 2021/22``."""
        sections = YEAR_SECTION.split(details)
        # split gives [before, number, text, number, text, ...]
        tail = ""
        for index in range(1, len(sections), 2):
            text = sections[index + 1]
            cut = re.search(r"\bTOTAL\b|\(option|\boption\b", text, re.IGNORECASE)
            if cut:
                tail = text[cut.start() :] + tail
                text = text[: cut.start()]
            amount, bare = _first_amount(text)
            period = PERIOD.search(text)
            year = YEAR_LABEL.search(text)
            if amount is None or not (period or year):
                contract.checks.append(f"Year {sections[index]}: no amount or year found")
                continue
            if bare:
                contract.checks.append(
                    f"Year {sections[index]}: {format_money(amount)} has no £ sign"
                )
            if period:
                start, end = _date(period.group("start")).day, _date(period.group("end"), True).day
            else:
                fy = FinancialYear.parse(year.group(0))
                start, end = fy.start, fy.end
            contract.values.append(Placed(start, end, amount))
        if contract.values:
            contract.start = min(value.start for value in contract.values)
            contract.end = max(value.end for value in contract.values)
            total = sum(value.amount for value in contract.values)
            stated = STATED_TOTAL.search(tail)
            if stated:
                try:
                    stated_total = _money(stated.group("amount"))
                except ValueError:
                    stated_total = None
                if stated_total != total:
                    contract.checks.append(
                        f"the stated total {stated.group('amount').strip()} is not the years' sum "
                        f"{format_money(total)}: the years were kept"
                    )
        self._options(contract, details)

    def _block(self, contract, block, details):
        contract.value_note = block.note
        if block.amount is None:
            if not block.note:
                contract.checks.append("no amount found")
            return
        period = PERIOD.search(details) if contract.parent != "main" else None
        months = MONTHS_STATED.search(details)
        stream = re.search(r"\(([^()]*funding[^()]*)\)", details, re.IGNORECASE)
        if stream:
            contract.funding_stream = stream.group(1).strip()
        amount = block.amount
        if period and len(_blocks(details)) == 1:
            start = _date(period.group("start")).day
            end_text = period.group("end")
            if re.fullmatch(r"\d{4}", end_text):
                end = FinancialYear(int(end_text) - 1).end
                contract.checks.append(f"“{period.group(0)}” read as ending on 31 March {end_text}")
            else:
                parsed = _date(end_text, True)
                end = parsed.day
            if _date(period.group("start")).month_only or (
                not re.fullmatch(r"\d{4}", end_text) and _date(end_text, True).month_only
            ):
                contract.checks.append(f"“{period.group(0)}” has months, not days: check the dates")
            contract.start, contract.end = start, end
            annual = _annual_amount(details)
            if annual is not None:
                contract.values, part = place_annual(annual, start, end)
                total = sum(value.amount for value in contract.values)
                if part or (block.kind == "total" and total != amount):
                    contract.checks.append(
                        f"each year's {format_money(annual)} does not make the stated {format_money(amount)}"
                    )
            elif block.kind == "annual":
                contract.values, _ = place_annual(amount, start, end)
            else:
                contract.values = [Placed(start, end, amount)]
            return
        end = block.end
        if end is None:
            single = DATE.search(details)
            if single:
                start = _date(single.group(0)).day
                finish = _add_months(start, 12)
                contract.values = [Placed(start, finish, amount)]
                contract.checks.append(
                    f"{format_money(amount)} from {format_date(start)} with no end: 12 months assumed"
                )
                return
            contract.value_note = contract.value_note or f"{format_money(amount)}; no dates given"
            contract.checks.append(f"{format_money(amount)} has no dates: no value made")
            return
        contract.end = end
        if months:
            count = int(months.group(1))
            start = _add_months(end + datetime.timedelta(days=1), -count)
            contract.start = start
            contract.values = [Placed(start, end, amount)]
            return
        if end == FinancialYear.containing(end).end and block.kind != "total":
            # "£994,502 Ends March 2024": a value per annum, as the column says.
            first = self.as_of
            last = FinancialYear.containing(end)
            if last < first:
                first = last
            contract.values = [
                Placed(year.start, year.end, amount)
                for year in (
                    FinancialYear(start) for start in range(first.start_year, last.start_year + 1)
                )
            ]
            contract.checks.append(
                f"{format_money(amount)} read as a year's value, each year from {first} to {last}"
            )
            return
        start = _add_months(end + datetime.timedelta(days=1), -12)
        contract.values = [Placed(start, end, amount)]
        contract.checks.append(
            f"{format_money(amount)} up to {format_date(end)}: read as the total for the 12 months before"
        )

    def _included_in(self, contract, block):
        """ "Included in Victim Support main contract": a sub-line of that provider's contract."""
        match = re.match(r"included in (?P<name>.+?) main contract", block.note, re.IGNORECASE)
        if not match:
            return
        name = match.group("name").strip()
        for row in self.draft.contracts:
            if row.values["lead_provider"].casefold() == name.casefold() and not row.values.get(
                "parent_reference"
            ):
                contract.provider = row.values["lead_provider"]
                contract.parent = row.values["reference"]
                contract.end = row.values.get("end_date")
                contract.checks.append(
                    f"read as a sub-line of {row.values['reference']}, with its end date"
                )
                return

    def _options(self, contract, details):
        """``+1 2025/26 £130,000``, ``option of further 2 years which would total to £X``."""
        plus = list(PLUS_OPTION.finditer(details))
        if plus:
            for match in plus:
                contract.options.append(
                    (FinancialYear.parse(match.group("year")), _money(match.group("amount")))
                )
            return
        further = FURTHER_YEARS.search(details)
        if not further or contract.end is None:
            return
        count = further.group("count")
        count = int(count) if count and count.isdigit() else NUMBER_WORDS.get(count or "a", 1)
        total = OPTION_TOTAL.search(details)
        amount = None
        if total:
            committed = sum(value.amount for value in contract.values)
            amount = ((_money(total.group("amount")) - committed) / count).quantize(Decimal("0.01"))
            contract.checks.append(
                f"options worth {format_money(amount)} a year: the total with options less the "
                f"contract's {format_money(committed)}, shared evenly"
            )
        first = FinancialYear.containing(contract.end) + 1
        for offset in range(min(count, 5)):
            contract.options.append((first + offset, amount))

    # Outcomes ----------------------------------------------------------------------------

    def _outcomes(self, contracts):
        text = self.text.get("outcomes", "")
        if not text.strip() or not contracts:
            return
        reference = contracts[0].reference
        heading, order = "", 0
        for kind, statement, value, unit, label in _outcome_statements(text):
            if kind == "heading":
                heading = statement
                # A heading naming a programme ("TTS") sends its outcomes to that contract.
                for contract in contracts:
                    initials = "".join(
                        word[0] for word in contract.title.split() if word[0].isupper()
                    )
                    if statement.strip(":").casefold() in (
                        initials.casefold(),
                        contract.title.casefold(),
                    ):
                        reference = contract.reference
                continue
            order += 1
            self.draft.add(
                OUTCOMES.name,
                {
                    "reference": reference,
                    "kind": kind,
                    "text": statement,
                    "value": value,
                    "unit": unit,
                    "source": heading[:200] if heading and kind != "testimonial" else "",
                    "consent": "anonymised" if kind in ("testimonial", "case_study") else "",
                    "period_label": label,
                    "order": order,
                },
                statement,
                ["kind guessed: aim"] if kind == "aim" else [],
            )


def _add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    last = calendar.monthrange(year, month)[1]
    result = datetime.date(year, month, min(day.day, last))
    return result - datetime.timedelta(days=1) if months > 0 else result


def _lines(text):
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _remarks(text):
    """A cell's text without its ``*remarks*``, and the remarks."""
    remarks = [" ".join(found.split()) for found in re.findall(r"\*([^*]+)\*", text)]
    return re.sub(r"\*[^*]+\*", "", text), remarks


def _provider_and_initiative(text):
    """``West Cumbria Domestic Violence Support (Freedom Project)`` → the provider, the initiative."""
    name = " ".join(text.split())
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    return name, ""


_AREA = re.compile(
    r"^\s*(North|South|East|West|Central|North West|North East|South West|South East)\s*\t\s*"
    r"(?P<name>.+?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _area_lines(description):
    """``South <tab> Women’s Community Matters - Barrow`` lines: (provider, area) each."""
    found = []
    for match in _AREA.finditer(description):
        name = re.split(r"\s+[-–]\s+|,", match.group("name"))[0].strip()
        if name:
            found.append((name, match.group(1).title()))
    return found if len(found) >= 2 else []


def _paragraphs(description):
    return [part.strip() for part in re.split(r"\n\s*\n", description) if part.strip()]


def _programmes(description):
    """Paragraphs that open with a short heading line followed by text: (title, text)."""
    found = []
    for paragraph in _paragraphs(description):
        first, _, rest = paragraph.partition("\n")
        first = first.strip()
        if rest.strip() and len(first) <= 60 and not first.endswith((".", "-", "–", ":")):
            found.append((first, paragraph))
    return found


def _dash_names(description):
    """``Male IDSVA- Support for …`` or ``Therapeutic services:`` paragraphs: (name, paragraph)."""
    names = []
    for paragraph in _paragraphs(description):
        first = paragraph.partition("\n")[0].strip()
        match = re.match(r"^(.{2,90}?)(?:\s*[-–]\s+|-\s*$|:\s*$)", first)
        if match:
            names.append((match.group(1).strip(), paragraph))
        elif len(first) <= 100 and not first.endswith("."):
            names.append((first, paragraph))
    return names


_PROVIDER_AREA = re.compile(
    r"^\s*(?P<name>[A-Z][^()\n]{1,80}?)\s*\((?P<area>(?:North|South|East|West|Central)[^()]*?)"
    r"(?:\s+(?:Cumbria|county|area))?\)\s*$",
    re.MULTILINE,
)


def _providers_with_areas(paragraph):
    """Lines naming an organisation and the area it covers: ``Birchall Trust (South Cumbria)``."""
    found = [
        (match.group("name").strip(), match.group("area").strip())
        for match in _PROVIDER_AREA.finditer(paragraph)
    ]
    return found if len(found) >= 2 else []


def _title(description, provider, category):
    first = description.strip().partition("\n")[0].strip()
    if first and len(first) <= 80 and not first.endswith("."):
        return first.rstrip(" -–:")
    return f"{provider}: {category}" if provider else category


def _first_amount(text):
    """The first amount in ``text``: (Decimal, written without £)."""
    found = MONEY.search(text)
    bare = BARE_MONEY.search(text)
    if found and (not bare or found.start() <= bare.start()):
        return _money(found.group(0)), False
    if bare:
        return _money(bare.group(0)), True
    return None, False


def _annual_amount(details):
    for sentence in re.split(r"\n|(?<=\.)\s", details):
        if ANNUAL_WORDS.search(sentence) and MONEY.search(sentence):
            return _money(MONEY.search(sentence).group(0))
    return None


def _blocks(details):
    """The amounts of a details cell, each with the end that follows it, in order.

    Amounts in option sentences, and a yearly amount beside a total, are not blocks.
    A line such as "Included in Victim Support main contract" is a block with no amount.
    """
    blocks = []
    lines = details.splitlines()
    position = 0
    for line in lines:
        stripped = line.strip()
        start = position
        position += len(line) + 1
        if not stripped:
            continue
        if re.search(r"option", stripped, re.IGNORECASE):
            continue
        if INCLUDED.match(stripped):
            blocks.append(Block(start, note=INCLUDED.match(stripped).group(1).rstrip(". ")))
            continue
        for match in MONEY.finditer(stripped):
            if ANNUAL_WORDS.search(stripped) and any(b.amount is not None for b in blocks):
                # "Each year of funding is £40,357.93" beside "Contract worth is £121,073.79".
                continue
            kind = (
                "annual"
                if ANNUAL_WORDS.search(stripped)
                else ("total" if TOTAL_WORDS.search(stripped) else "plain")
            )
            note = ""
            before = stripped[: match.start()]
            # Only a whole sentence before the amount is a remark on it: "Part of SSF4."
            sentence = re.match(r"^\s*([^.£]+?)\.(?:\s|$)", before)
            if sentence and not DATE.search(sentence.group(1)):
                note = sentence.group(1).strip()
            blocks.append(
                Block(
                    start + line.find(match.group(0)),
                    _money(match.group(0)),
                    kind,
                    note=note,
                    sentence=stripped,
                )
            )
    # Each block's end: the first end mark after it and before the next block.
    for index, block in enumerate(blocks):
        limit = blocks[index + 1].position if index + 1 < len(blocks) else len(details)
        mark = END_MARK.search(details, block.position, limit)
        if mark:
            block.end = _date(mark.group("date"), True).day
    # TOTAL: 16/10/23 £19,600 reads as a total.
    if len(blocks) == 1 and re.search(r"\bTOTAL\b", details, re.IGNORECASE):
        blocks[0].kind = "total"
    return blocks


_BULLET = re.compile(r"^\s*[·•\-–*]\s*")
_QUOTE_OPEN = "“‘\"'"
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s*cent)", re.IGNORECASE)
_LEADING_COUNT = re.compile(r"^(?:over\s+|only\s+)?(\d[\d,]*)\b", re.IGNORECASE)


def _outcome_statements(text):
    """(kind, text, value, unit, period label) for each bullet; headings as kind "heading"."""
    case_study = False
    statistics = False
    label = ""
    items = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        bullet = bool(_BULLET.match(stripped))
        statement = _BULLET.sub("", stripped).strip()
        if not statement:
            continue
        if not bullet and (
            statement.endswith(":")
            or len(statement) <= 40
            or re.match(r"^(stat|from|case study|testimonial|outcome)", statement, re.IGNORECASE)
        ):
            lowered = statement.casefold()
            case_study = lowered.startswith("case study")
            statistics = lowered.startswith("stat")
            period = re.search(r"\(([^()]*\d{4}[^()]*)\)|from\s+(\d{4})", statement, re.IGNORECASE)
            label = (period.group(1) or period.group(2)) if period else label
            items.append(("heading", statement.rstrip(":"), None, "", ""))
            continue
        if not bullet and items and items[-1][0] not in ("heading",):
            # A continuation line of the previous bullet.
            kind, previous, value, unit, period_label = items[-1]
            items[-1] = (kind, f"{previous}\n{statement}", value, unit, period_label)
            continue
        if statement[0] in _QUOTE_OPEN:
            kind = "case_study" if case_study else "testimonial"
            items.append((kind, statement, None, "", ""))
            continue
        percent = _PERCENT.search(statement)
        count = _LEADING_COUNT.match(statement)
        if percent:
            items.append(("result", statement, Decimal(percent.group(1)), "percent", label))
        elif count or statistics:
            value = Decimal(count.group(1).replace(",", "")) if count else None
            items.append(
                ("statistic", statement, value, "count" if value is not None else "", label)
            )
        else:
            items.append(("aim", statement, None, "", ""))
    return items
