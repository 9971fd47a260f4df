"""The Outcomes sheet: what a contract's service reports — results, statistics, aims, evidence."""

from outcomes.models import Outcome

from ..columns import OUTCOMES
from .children import ChildSheet


class OutcomesSheet(ChildSheet):
    sheet = OUTCOMES
    model = Outcome
    related_name = "outcomes"
    key_fields = ("kind", "text")

    def label(self, reference, record):
        text = record.text if len(record.text) <= 60 else record.text[:59] + "…"
        return f"{reference} {text}"
