"""Contracts, who commissions and pays for them, and what they are worth.

Values and extension options are stored as amounts over dated periods (a whole
financial year is simply 1 April to 31 March). Everything else about money —
value in a year, total, total with options, committed spend — is derived from
them, by properties for one contract and by QuerySet annotations for many.

The models live in modules by topic; every name is importable from
``contracts.models`` as before (migrations refer to ``contracts.models._sensible_date``).
"""

from commissioning.models import NamedQuerySet

from .bodies import (
    BodyKind,
    Category,
    Cohort,
    CommissioningBody,
    FundingStream,
)
from .choices import (
    COMMITTED_STATUSES,
    RUNNING_STATUSES,
    AgreementType,
    ChangeGround,
    EndingReason,
    NoticeType,
    OptionStatus,
    ProcurementRoute,
    Status,
    Threshold,
)
from .contract import (
    ENDING_SOON_BANDS,
    PUBLISHABLE_STATUSES,
    Contract,
    ContractManager,
    ContractPartner,
    ContractQuerySet,
)
from .dates import (
    EARLIEST_DATE,
    LATEST_DATE,
    _sensible_date,
    add_months,
    decision_date_for,
    default_notice_months,
)
from .decisions import (
    AlertPreference,
    DecisionOutcome,
    DecisionState,
    OpenDecision,
    RenewalDecision,
    SentAlert,
    end_decision_date,
)
from .imports import HeadingMapping
from .lifecycle import CHANGE_NOTICE_THRESHOLD_PERCENT, ContractChange, Notice
from .money import (
    MAX_AMOUNT,
    MONEY_VALIDATORS,
    ContractValue,
    DatedAmount,
    DatedAmountQuerySet,
    ExtensionOption,
    OptionQuerySet,
    _amount_constraints,
)
from .stored_money import (
    ContractMoney,
    ContractYearShare,
    money_written_once,
    write_money,
)

__all__ = [
    "CHANGE_NOTICE_THRESHOLD_PERCENT",
    "COMMITTED_STATUSES",
    "EARLIEST_DATE",
    "ENDING_SOON_BANDS",
    "LATEST_DATE",
    "MAX_AMOUNT",
    "MONEY_VALIDATORS",
    "PUBLISHABLE_STATUSES",
    "RUNNING_STATUSES",
    "AgreementType",
    "AlertPreference",
    "BodyKind",
    "Category",
    "ChangeGround",
    "Cohort",
    "CommissioningBody",
    "Contract",
    "ContractChange",
    "ContractManager",
    "ContractMoney",
    "ContractPartner",
    "ContractQuerySet",
    "ContractValue",
    "ContractYearShare",
    "DatedAmount",
    "DatedAmountQuerySet",
    "DecisionOutcome",
    "DecisionState",
    "EndingReason",
    "ExtensionOption",
    "FundingStream",
    "HeadingMapping",
    "NamedQuerySet",
    "Notice",
    "NoticeType",
    "OpenDecision",
    "OptionQuerySet",
    "OptionStatus",
    "ProcurementRoute",
    "RenewalDecision",
    "SentAlert",
    "Status",
    "Threshold",
    "_amount_constraints",
    "_sensible_date",
    "add_months",
    "decision_date_for",
    "default_notice_months",
    "end_decision_date",
    "money_written_once",
    "write_money",
]
