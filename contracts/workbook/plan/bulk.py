"""Inserting an import's new rows in bulk, with their history rows."""

from contracts.models import DatedAmount
from contracts.models.stored_money import money_changed, money_written_once

BATCH_SIZE = 500


def create_in_bulk(model, records, user):
    """Insert new rows in bulk, with their history rows when the model keeps history."""
    if not records:
        return
    if hasattr(model, "history"):
        # The audited models' one sanctioned bulk path (commissioning/audited.py).
        model.objects.bulk_create_recorded(records, batch_size=BATCH_SIZE, user=user)
    else:
        model.objects.bulk_create(records, batch_size=BATCH_SIZE)
    if issubclass(model, DatedAmount):
        # Rows inserted in bulk send no signal: their contracts' stored money is noted here.
        with money_written_once():
            for record in records:
                money_changed(record.contract_id)
