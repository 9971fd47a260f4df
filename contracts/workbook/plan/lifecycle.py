"""The KPIs, Changes and Notices sheets: a contract's indicators, modifications and the notices
published about it (the publication and Procurement Act records)."""

from contracts.models import ContractChange, Notice, NoticeType
from outcomes.models import KeyPerformanceIndicator

from ..columns import CHANGES, KPIS, NOTICES
from .children import ChildSheet


class KpisSheet(ChildSheet):
    sheet = KPIS
    model = KeyPerformanceIndicator
    related_name = "kpis"
    key_fields = ("measure",)

    def label(self, reference, record):
        return f"{reference} KPI {record.measure.name if record.measure_id else ''}".strip()


class ChangesSheet(ChildSheet):
    sheet = CHANGES
    model = ContractChange
    related_name = "changes"
    key_fields = ("made_on", "description")

    def label(self, reference, record):
        return f"{reference} change of {record.made_on:%d %B %Y}" if record.made_on else reference


class NoticesSheet(ChildSheet):
    sheet = NOTICES
    model = Notice
    related_name = "notices"
    key_fields = ("notice_type", "notice_id")

    def label(self, reference, record):
        kind = NoticeType(record.notice_type).label if record.notice_type else "notice"
        return f"{reference} {kind} {record.notice_id}".strip()
