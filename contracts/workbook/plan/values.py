"""The Values sheet: what a contract is worth over each period (usually a financial year)."""

from contracts.models import ContractValue

from ..columns import VALUES
from .periods import PeriodSheet


class ValuesSheet(PeriodSheet):
    sheet = VALUES
    model = ContractValue
    related_name = "values"

    def label(self, reference, record):
        return f"{reference} {record.period_label}"
