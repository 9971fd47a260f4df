"""The register workbook format: its sheets and columns, defined once.

The reader, the writer, the blank template (with its Notes sheet) and the tests
all follow this definition; docs/workbook-format.md describes it for people.
"""

from dataclasses import dataclass
from enum import StrEnum

from contracts.models import (
    AgreementType,
    BodyKind,
    ChangeGround,
    ContractPartner,
    EndingReason,
    NoticeType,
    OptionStatus,
    ProcurementRoute,
    Status,
    Threshold,
)
from outcomes.models import Consent, OutcomeKind, Unit
from providers.models import ProviderKind


def _synonyms(words_by_choice):
    """``{choice: "word; other word"}`` as the (word, choice) pairs a Column's aliases take."""
    return tuple(
        (word.strip(), choice)
        for choice, words in words_by_choice.items()
        for word in words.split(";")
        if word.strip()
    )


# Everyday words for the choices, as people write them in their own
# spreadsheets. Each is read as the choice and listed as a reinterpretation.
PROVIDER_KIND_SYNONYMS = _synonyms(
    {
        ProviderKind.CHARITY: "registered charity; charitable trust; trust; CIO; "
        "charitable incorporated organisation; charitable company; voluntary sector; "
        "voluntary organisation; VCSE; third sector; not for profit",
        ProviderKind.CIC: "community interest company; social enterprise",
        ProviderKind.COMPANY: "Ltd; limited; limited company; private limited company; "
        "private company; plc; LLP; private sector; business; sole trader",
        ProviderKind.NHS: "NHS trust; NHS foundation trust; foundation trust; NHS; ICB; "
        "integrated care board; health board",
        ProviderKind.PUBLIC_BODY: "public sector; local authority; council; public; government",
        ProviderKind.POLICE: "constabulary; police force; force",
    }
)

BODY_KIND_SYNONYMS = _synonyms(
    {
        BodyKind.LOCAL_AUTHORITY: "council; LA; local council",
        BodyKind.DISTRICT_COUNCIL: "borough council; district; borough; district council; "
        "metropolitan borough",
        BodyKind.UNITARY_COUNCIL: "unitary; unitary council",
        BodyKind.COUNTY_COUNCIL: "county",
        BodyKind.CITY_COUNCIL: "city",
        BodyKind.PCC: "PFCC; OPCC; OPFCC; PCC; police fire and crime commissioner; "
        "police, fire and crime commissioner",
        BodyKind.NHS: "NHS England; NHSE; ICB; integrated care board; CCG; health",
        BodyKind.POLICE: "constabulary; police; force",
        BodyKind.GOVERNMENT: "central government; home office; ministry of justice; MoJ",
    }
)

AGREEMENT_TYPE_SYNONYMS = _synonyms(
    {
        AgreementType.CONTRACT: "contract for services; service contract; services contract; "
        "call-off contract",
        AgreementType.GRANT: "grant funding; grant award; funding agreement",
        AgreementType.MOU: "memorandum; memorandum of agreement",
        AgreementType.SLA: "service level agreement",
    }
)

PROCUREMENT_ROUTE_SYNONYMS = _synonyms(
    {
        ProcurementRoute.OPEN_TENDER: "open; tender; open procedure; competitive tender; "
        "competitive; restricted; restricted procedure; competitive flexible; "
        "competitive dialogue; OJEU; find a tender",
        ProcurementRoute.QUOTATION: "quote; quotes; ITQ; RFQ; request for quotation; "
        "request for quote; three quotes; quotation",
        ProcurementRoute.DIRECT_AWARD: "direct; single tender; single tender action; "
        "single source; waiver; exemption; negotiated without prior publication",
        ProcurementRoute.GRANT_ROUND: "grant; grant round; grant funding",
        ProcurementRoute.FRAMEWORK: "call-off; call off; framework agreement; "
        "dynamic purchasing system; DPS",
        ProcurementRoute.PARTNERSHIP: "collaboration",
    }
)

STATUS_SYNONYMS = _synonyms(
    {
        Status.LIVE: "active; current; ongoing; in place; running; awarded; in contract; open",
        Status.ENDED: "expired; complete; completed; closed; finished; ceased",
        Status.EXTENDED: "extension; being extended; varied",
        Status.PLANNED: "pipeline; proposed; future; not started; planning",
        Status.PROCUREMENT: "tendering; out to tender; procuring; at tender; "
        "invitation to quote; ITQ; under procurement",
        Status.TERMINATED: "cancelled; terminated early; ended early",
    }
)

OPTION_STATUS_SYNONYMS = _synonyms(
    {
        OptionStatus.EXERCISED: "taken up; used; agreed; taken",
        OptionStatus.DECLINED: "not taken up; rejected; not taken",
        OptionStatus.LAPSED: "expired; missed",
        OptionStatus.AVAILABLE: "open; possible; not yet decided; pending",
    }
)


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
    URL = "web address"
    EMAIL = "email address"
    PHONE = "phone number"


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
    ends_period: bool = False  # a DATE that ends a period: ``April 2017`` means 30 April

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
    Column("end_date", CellType.DATE, help="Last day of that period.", ends_period=True),
)

PROVIDERS = Sheet(
    "Providers",
    "Organisations that deliver services. Every provider named on another sheet must be here.",
    (
        _name("The organisation's name, as used on the other sheets.", "Victim Support"),
        Column(
            "kind",
            CellType.CHOICE,
            choices=ProviderKind,
            aliases=PROVIDER_KIND_SYNONYMS,
            example="charity",
        ),
        Column("charity_number", help="Charity Commission number.", example="1201000"),
        Column("company_number", help="Companies House number."),
        Column("website", CellType.URL, example="https://www.victimsupport.org.uk"),
        Column("phone", CellType.PHONE),
        Column("email", CellType.EMAIL),
        Column("address"),
        Column(
            "ppon_identifier",
            help="The supplier's Central Digital Platform identifier, GB-PPON-….",
        ),
        Column("is_sme", CellType.YES_NO, help="yes for a small or medium-sized enterprise."),
        Column(
            "is_vcse", CellType.YES_NO, help="yes for a voluntary, community or social enterprise."
        ),
        Column("is_supported_employment", CellType.YES_NO),
        Column("is_public_service_mutual", CellType.YES_NO),
        Column("notes", help="Internal notes; never published."),
    ),
)

COMMISSIONERS = Sheet(
    "Commissioners",
    "Bodies that commission or pay for services. Every body named on another sheet must be here.",
    (
        _name("The body's name.", "Cumbria OPCC"),
        Column(
            "kind", CellType.CHOICE, choices=BodyKind, aliases=BODY_KIND_SYNONYMS, example="pcc"
        ),
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
        Column(
            "agreement_type",
            CellType.CHOICE,
            choices=AgreementType,
            aliases=AGREEMENT_TYPE_SYNONYMS,
            example="contract",
        ),
        Column(
            "procurement_route",
            CellType.CHOICE,
            choices=ProcurementRoute,
            aliases=PROCUREMENT_ROUTE_SYNONYMS,
        ),
        Column("status", CellType.CHOICE, choices=Status, aliases=STATUS_SYNONYMS, example="live"),
        Column("status_note", help="Published remark on the status."),
        Column("start_date", CellType.DATE, example="2022-04-01"),
        Column("end_date", CellType.DATE, example="2025-03-31", ends_period=True),
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
            "is_published",
            CellType.YES_NO,
            help="yes to publish it on the transparency page and in the open data.",
        ),
        Column("published_from", CellType.DATE, help="Publish from this date (blank: at once)."),
        Column("purpose", help="Its purpose in one published sentence."),
        Column("published_copy_url", CellType.URL, help="Link to the published copy."),
        Column("copy_redacted", CellType.YES_NO),
        Column("redaction_reason", help="Published reason for the redactions."),
        Column("tender_url", CellType.URL, help="Link to the invitation to tender, if any."),
        Column(
            "under_procurement_act",
            CellType.YES_NO,
            help="yes if procured under the Procurement Act 2023.",
        ),
        Column("threshold", CellType.CHOICE, choices=Threshold),
        Column("light_touch", CellType.YES_NO, help="yes if under the light-touch regime."),
        Column("procurement_identifier", help="e.g. its Find a Tender identifier."),
        Column("contract_identifier"),
        Column("irrecoverable_vat", CellType.YES_NO, help="yes if some VAT cannot be recovered."),
        Column("irrecoverable_vat_amount", CellType.MONEY),
        Column("grant_conditions", help="For a grant: its published conditions."),
        Column(
            "crime_reduction_reason",
            help="For a grant: why it is expected to reduce crime and disorder.",
        ),
        Column("ending_reason", CellType.CHOICE, choices=EndingReason),
        Column("ended_on", CellType.DATE),
        Column("ending_note", help="Published explanation of the ending."),
        Column("breach"),
        Column("damages_or_settlement"),
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
        Column(
            "status",
            CellType.CHOICE,
            choices=OptionStatus,
            aliases=OPTION_STATUS_SYNONYMS,
            example="available",
        ),
        Column("decision_due", CellType.DATE, help="Deadline to decide.", ends_period=True),
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
        Column("period_end", CellType.DATE, ends_period=True),
        Column("period_label", help="As stated, e.g. 2021–22 service users."),
        Column("source", help="e.g. Contract closure report 2020–2022."),
        Column("attribution", help="Who said it, e.g. ISVA service user."),
        Column("consent", CellType.CHOICE, choices=Consent),
        Column("is_published", CellType.YES_NO, help="no keeps it out of published schedules."),
        Column("order", CellType.WHOLE, help="Position among the contract's outcomes."),
    ),
)

CHANGES = Sheet(
    "Changes",
    "Modifications of a contract. For every contract on the Contracts sheet, its changes "
    "become exactly the rows here.",
    (
        _reference(),
        Column("made_on", CellType.DATE, required=True, help="The day the change takes effect."),
        Column("description", required=True, help="What changed, as published."),
        Column("value_before", CellType.MONEY),
        Column("value_after", CellType.MONEY),
        Column("end_before", CellType.DATE),
        Column("end_after", CellType.DATE),
        Column("ground", CellType.CHOICE, choices=ChangeGround),
        Column("decision_reference"),
    ),
)

NOTICES = Sheet(
    "Notices",
    "Notices published about a contract (Find a Tender or elsewhere). For every contract on "
    "the Contracts sheet, its notices become exactly the rows here.",
    (
        _reference(),
        Column("notice_type", CellType.CHOICE, required=True, choices=NoticeType, example="UK7"),
        Column("notice_id", help="e.g. 2025/S 000-012345."),
        Column("url", CellType.URL),
        Column("published_on", CellType.DATE, required=True),
    ),
)

KPIS = Sheet(
    "KPIs",
    "A contract's key performance indicators: an outcome measure and its target. For every "
    "contract on the Contracts sheet, its KPIs become exactly the rows here. Ratings are "
    "recorded in the admin.",
    (
        _reference(),
        Column("measure", CellType.NAME, required=True, refers_to="Measures"),
        Column("target", required=True, example="80% feel safer at the end of support"),
        Column("order", CellType.WHOLE),
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
    KPIS,
    CHANGES,
    NOTICES,
)

# The template's explanations live on this sheet; the reader skips it.
NOTES_SHEET = "Notes"


def sheet_key(name):
    """How sheet names are compared: ``Funding streams`` is ``FundingStreams``."""
    return "".join(str(name).split()).replace("_", "").casefold()


SHEETS_BY_KEY = {sheet_key(sheet.name): sheet for sheet in SHEETS}
