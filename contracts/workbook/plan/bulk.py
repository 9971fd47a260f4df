"""Inserting an import's new rows in bulk, with their history rows."""

from contracts.models import Contract, DatedAmount
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
    # Rows inserted in bulk send no signal: the contracts whose stored money they change
    # (a new contract has its row of nothing; a value or option moves its contract's) are
    # noted here, and written once at the end of the import.
    if model is Contract:
        changed = [record.pk for record in records]
    elif issubclass(model, DatedAmount):
        changed = [record.contract_id for record in records]
    else:
        return
    with money_written_once():
        for contract_id in changed:
            money_changed(contract_id)
