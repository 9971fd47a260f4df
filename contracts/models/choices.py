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
