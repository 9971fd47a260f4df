"""Contracts, who commissions and pays for them, and what they are worth.

Values and extension options are stored as amounts over dated periods (a whole
financial year is simply 1 April to 31 March). Everything else about money —
value in a year, total, total with options, committed spend — is derived from
them, by properties for one contract and by QuerySet annotations for many.

The models live in modules by topic; every name is importable from
``contracts.models`` as before (migrations refer to ``contracts.models._sensible_date``).
"""

from .bodies import (
    BodyKind,
    Category,
    Cohort,
    CommissioningBody,
    FundingStream,
    NamedQuerySet,
)
from .choices import (
    COMMITTED_STATUSES,
    RUNNING_STATUSES,
    AgreementType,
    OptionStatus,
    ProcurementRoute,
    Status,
)
from .contract import (
    Contract,
    ContractPartner,
    ContractQuerySet,
)
from .dates import (
    EARLIEST_DATE,
    LATEST_DATE,
    _sensible_date,
    add_months,
)
from .imports import HeadingMapping
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

__all__ = [
    "COMMITTED_STATUSES",
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_AMOUNT",
    "MONEY_VALIDATORS",
    "RUNNING_STATUSES",
    "AgreementType",
    "BodyKind",
    "Category",
    "Cohort",
    "CommissioningBody",
    "Contract",
    "ContractPartner",
    "ContractQuerySet",
    "ContractValue",
    "DatedAmount",
    "DatedAmountQuerySet",
    "ExtensionOption",
    "FundingStream",
    "HeadingMapping",
    "NamedQuerySet",
    "OptionQuerySet",
    "OptionStatus",
    "ProcurementRoute",
    "Status",
    "_amount_constraints",
    "_sensible_date",
    "add_months",
]
