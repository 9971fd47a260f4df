"""The fixed choices a contract and an extension option take: agreement type, route, status."""

from django.db import models


class AgreementType(models.TextChoices):
    CONTRACT = "contract", "Contract"
    GRANT = "grant", "Grant agreement"
    MOU = "mou", "Memorandum of understanding"
    SLA = "sla", "Service level agreement"


class ProcurementRoute(models.TextChoices):
    OPEN_TENDER = "open_tender", "Open tender"
    QUOTATION = "quotation", "Invitation to quote"
    DIRECT_AWARD = "direct_award", "Direct award"
    GRANT_ROUND = "grant_round", "Grant funding round"
    FRAMEWORK = "framework", "Framework call-off"
    PARTNERSHIP = "partnership", "Partnership agreement"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    """Where a contract is in its life. ``ended`` is also derived once a live contract's end passes."""

    PLANNED = "planned", "Planned"
    PROCUREMENT = "procurement", "In procurement"
    LIVE = "live", "Live"
    EXTENDED = "extended", "Extended"
    ENDED = "ended", "Ended"
    TERMINATED = "terminated", "Terminated"


RUNNING_STATUSES = (Status.LIVE, Status.EXTENDED)
# Awarded contracts: their money is committed. Planned and in-procurement
# services are not yet, and a terminated contract's money no longer is.
COMMITTED_STATUSES = (Status.LIVE, Status.EXTENDED, Status.ENDED)


class OptionStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    EXERCISED = "exercised", "Exercised"
    DECLINED = "declined", "Declined"
    LAPSED = "lapsed", "Lapsed"


class Threshold(models.TextChoices):
    """Whether a procurement's value was above the Procurement Act 2023 threshold for its kind."""

    NOT_RECORDED = "", "Not recorded"
    ABOVE = "above", "Above threshold"
    BELOW = "below", "Below threshold"


class EndingReason(models.TextChoices):
    """Why a contract ended, in the words of a contract termination notice (UK11)."""

    EXPIRED = "expired", "Reached its end date"
    AGREEMENT = "agreement", "Ended early by agreement"
    BUYER_TERMINATED = "buyer_terminated", "Terminated by the commissioner"
    SUPPLIER_TERMINATED = "supplier_terminated", "Terminated by the provider"
    BREACH = "breach", "Terminated for breach"
    OTHER = "other", "Other"


class ChangeGround(models.TextChoices):
    """The grounds for modifying a contract (Procurement Act 2023, schedule 8, in brief)."""

    PROVIDED_FOR = "provided_for", "Provided for in the contract (e.g. an option)"
    UNFORESEEABLE = "unforeseeable", "Unforeseeable circumstances"
    ADDITIONAL = "additional", "Additional goods, services or works"
    URGENCY = "urgency", "Urgency or protection of life"
    BELOW_THRESHOLD = "below_threshold", "Below the change thresholds"
    NOT_SUBSTANTIAL = "not_substantial", "Not a substantial modification"
    OTHER = "other", "Other"


class NoticeType(models.TextChoices):
    """Notices an office records once they are published (Find a Tender or elsewhere)."""

    UK4 = "UK4", "UK4 tender notice"
    UK6 = "UK6", "UK6 contract award notice"
    UK7 = "UK7", "UK7 contract details notice"
    UK9 = "UK9", "UK9 contract performance notice"
    UK10 = "UK10", "UK10 contract change notice"
    UK11 = "UK11", "UK11 contract termination notice"
    CONTRACTS_FINDER = "contracts_finder", "Contracts Finder notice"
    OTHER = "other", "Other notice"
