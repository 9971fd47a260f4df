"""The register workbook format: its sheets and columns, defined once.

The reader, the writer, the blank template (with its Notes sheet) and the tests
all follow this definition; docs/workbook-format.md describes it for people.
"""

from dataclasses import dataclass
from enum import StrEnum

from contracts.models import (
    AgreementType,
    BodyKind,
    ContractPartner,
    OptionStatus,
    ProcurementRoute,
    Status,
)
from outcomes.models import Consent, OutcomeKind, Unit
from providers.models import ProviderKind


class CellType(StrEnum):
    TEXT = "text"
    NAME = "name"  # a name or reference: surrounding spaces are dropped
    DATE = "date"
    MONEY = "money"
    NUMBER = "number"
    WHOLE = "whole number"
    YEAR = "financial year"
    CHOICE = "choice"
    NAMES = "list of names"
    YES_NO = "yes or no"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, how its cells are read, and what it fills."""

    name: str
    type: CellType = CellType.TEXT
    required: bool = False
    help: str = ""
    example: object = None
    field: str = ""  # the model field it fills, when not the same as ``name``
    choices: object = None  # a TextChoices class for CHOICE columns
    aliases: tuple = ()  # extra spellings accepted for CHOICE columns: (("%", "percent"),)
    refers_to: str = ""  # the sheet a NAME or NAMES column names rows of

    @property
    def model_field(self):
        return self.field or self.name

    @property
    def header(self):
        return f"{self.name}*" if self.required else self.name

    def allowed_values(self):
        """The values a CHOICE column accepts, as the export writes them."""
        return [value for value in self.choices.values if value]


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    columns: tuple

    def column(self, name):
        return next((column for column in self.columns if column.name == name), None)

    @property
    def required_columns(self):
        return [column for column in self.columns if column.required]


def _name(help, example, **kwargs):
    return Column("name", CellType.NAME, required=True, help=help, example=example, **kwargs)


def _reference(help="The contract reference, as on the Contracts sheet."):
    return Column(
        "reference",
        CellType.NAME,
        required=True,
        help=help,
        example="VS-CORE",
        refers_to="Contracts",
    )


_PERIOD_COLUMNS = (
    Column(
        "financial_year",
        CellType.YEAR,
        help="A whole financial year, 1 April to 31 March, written 2022/23. "
        "Give this or start_date and end_date.",
        example="2022/23",
    ),
    Column(
        "start_date",
        CellType.DATE,
        help="First day of a period that is not one whole financial year.",
    ),
    Column("end_date", CellType.DATE, help="Last day of that period."),
)

PROVIDERS = Sheet(
    "Providers",
    "Organisations that deliver services. Every provider named on another sheet must be here.",
    (
        _name("The organisation's name, as used on the other sheets.", "Victim Support"),
        Column("kind", CellType.CHOICE, choices=ProviderKind, example="charity"),
        Column("charity_number", help="Charity Commission number.", example="1201000"),
        Column("company_number", help="Companies House number."),
        Column("website", example="https://www.victimsupport.org.uk"),
        Column("phone"),
        Column("email"),
        Column("address"),
        Column("notes", help="Internal notes; never published."),
    ),
)

COMMISSIONERS = Sheet(
    "Commissioners",
    "Bodies that commission or pay for services. Every body named on another sheet must be here.",
    (
        _name("The body's name.", "Cumbria OPCC"),
        Column("kind", CellType.CHOICE, choices=BodyKind, example="pcc"),
    ),
)

CATEGORIES = Sheet(
    "Categories",
    "Headings the register groups services under. Optional: a category named on the "
    "Contracts sheet but not here is created.",
    (
        _name("The heading.", "All crimes"),
        Column("order", CellType.WHOLE, help="Position in schedules (0 first).", example=1),
    ),
)

COHORTS = Sheet(
    "Cohorts",
    "Who services are for. Optional: a cohort named on the Contracts sheet but not here is "
    "created.",
    (_name("The cohort.", "Victims of domestic abuse"),),
)

FUNDING_STREAMS = Sheet(
    "FundingStreams",
    "Named sources of money. Optional: a funding stream named on the Values or Options sheet "
    "but not here is created.",
    (
        _name("The funding stream.", "MoJ victims grant"),
        Column(
            "provided_by",
            CellType.NAME,
            help="The body the money comes from (on the Commissioners sheet).",
            refers_to="Commissioners",
        ),
        Column("description"),
    ),
)

MEASURES = Sheet(
    "Measures",
    "Things services report on, so figures line up. Optional: a measure named on the "
    "Outcomes sheet but not here is created.",
    (
        _name("The measure.", "Feeling safer"),
        Column("family", help="e.g. Ministry of Justice cope and recover outcomes."),
        Column("description"),
    ),
)

CONTRACTS = Sheet(
    "Contracts",
    "One row per commissioned service. Re-importing matches contracts by reference.",
    (
        Column(
            "reference",
            CellType.NAME,
            required=True,
            help="Short unique reference: letters, digits, hyphens and underscores.",
            example="VS-CORE",
        ),
        Column("title", required=True, example="Victims' core service"),
        Column(
            "category",
            CellType.NAME,
            required=True,
            refers_to="Categories",
            example="All crimes",
        ),
        Column(
            "lead_provider",
            CellType.NAME,
            required=True,
            refers_to="Providers",
            example="Victim Support",
        ),
        Column("lead_provider_area", help="Area the lead provider covers, e.g. North."),
        Column(
            "lead_commissioner",
            CellType.NAME,
            required=True,
            refers_to="Commissioners",
            example="Cumbria OPCC",
        ),
        Column(
            "commissioners",
            CellType.NAMES,
            field="co_commissioners",
            refers_to="Commissioners",
            help="Co-commissioners, separated by ;",
            example="Cumberland Council; NHS England",
        ),
        Column(
            "cohorts",
            CellType.NAMES,
            refers_to="Cohorts",
            help="Who the service is for, separated by ;",
        ),
        Column("agreement_type", CellType.CHOICE, choices=AgreementType, example="contract"),
        Column("procurement_route", CellType.CHOICE, choices=ProcurementRoute),
        Column("status", CellType.CHOICE, choices=Status, example="live"),
        Column("status_note", help="Published remark on the status."),
        Column("start_date", CellType.DATE, example="2022-04-01"),
        Column("end_date", CellType.DATE, example="2025-03-31"),
        Column("value_note", help="Published remark on the value, e.g. Negotiated yearly."),
        Column("description", help="Published description of the service."),
        Column("decision_reference", help="The PCC decision that authorised it."),
        Column("contract_manager"),
        Column(
            "parent_reference",
            CellType.NAME,
            field="parent",
            refers_to="Contracts",
            help="Reference of the main contract this is a sub-line of.",
        ),
        Column("internal_notes", help="Internal remarks; never published."),
        Column(
            "archived",
            CellType.YES_NO,
            help="yes to archive the contract (kept, but off the register pages).",
            example="no",
        ),
    ),
)

PARTNERS = Sheet(
    "Partners",
    "Providers delivering part of a contract beside the lead. For every contract on the "
    "Contracts sheet, its partners become exactly the rows here.",
    (
        _reference(),
        Column("provider", CellType.NAME, required=True, refers_to="Providers"),
        Column(
            "role",
            CellType.CHOICE,
            choices=ContractPartner.Role,
            example="partner",
        ),
        Column("area", example="North"),
        Column("description"),
    ),
)

VALUES = Sheet(
    "Values",
    "Money committed to a contract for a period. For every contract on the Contracts sheet, "
    "its values become exactly the rows here.",
    (
        _reference(),
        *_PERIOD_COLUMNS,
        Column("amount", CellType.MONEY, required=True, example=129500),
        Column("funding_stream", CellType.NAME, refers_to="FundingStreams"),
        Column(
            "payer",
            CellType.NAME,
            refers_to="Commissioners",
            help="The body that pays, if not the lead commissioner.",
        ),
        Column("note"),
    ),
)

OPTIONS = Sheet(
    "Options",
    "Options to extend a contract. For every contract on the Contracts sheet, its options "
    "become exactly the rows here.",
    (
        _reference(),
        *_PERIOD_COLUMNS,
        Column("amount", CellType.MONEY, example=130000),
        Column("status", CellType.CHOICE, choices=OptionStatus, example="available"),
        Column("decision_due", CellType.DATE, help="Deadline to decide."),
        Column("funding_stream", CellType.NAME, refers_to="FundingStreams"),
        Column("payer", CellType.NAME, refers_to="Commissioners"),
        Column("note"),
    ),
)

OUTCOMES = Sheet(
    "Outcomes",
    "What services achieve, aim at or must meet. For every contract on the Contracts sheet, "
    "its outcomes become exactly the rows here, in this order.",
    (
        _reference(),
        Column("kind", CellType.CHOICE, required=True, choices=OutcomeKind, example="result"),
        Column("text", required=True, help="The statement as published.", example="87% felt safer"),
        Column("measure", CellType.NAME, refers_to="Measures"),
        Column("value", CellType.NUMBER, example=87),
        Column(
            "unit",
            CellType.CHOICE,
            choices=Unit,
            aliases=(("%", Unit.PERCENT), ("£", Unit.POUNDS), ("number", Unit.COUNT)),
            example="percent",
        ),
        Column("numerator", CellType.WHOLE),
        Column("denominator", CellType.WHOLE),
        Column("cohort", help="e.g. IDVA clients."),
        Column("period_start", CellType.DATE),
        Column("period_end", CellType.DATE),
        Column("period_label", help="As stated, e.g. 2021–22 service users."),
        Column("source", help="e.g. Contract closure report 2020–2022."),
        Column("attribution", help="Who said it, e.g. ISVA service user."),
        Column("consent", CellType.CHOICE, choices=Consent),
        Column("is_published", CellType.YES_NO, help="no keeps it out of published schedules."),
        Column("order", CellType.WHOLE, help="Position among the contract's outcomes."),
    ),
)

SHEETS = (
    PROVIDERS,
    COMMISSIONERS,
    CATEGORIES,
    COHORTS,
    FUNDING_STREAMS,
    MEASURES,
    CONTRACTS,
    PARTNERS,
    VALUES,
    OPTIONS,
    OUTCOMES,
)

# The template's explanations live on this sheet; the reader skips it.
NOTES_SHEET = "Notes"


def sheet_key(name):
    """How sheet names are compared: ``Funding streams`` is ``FundingStreams``."""
    return "".join(str(name).split()).replace("_", "").casefold()


SHEETS_BY_KEY = {sheet_key(sheet.name): sheet for sheet in SHEETS}
