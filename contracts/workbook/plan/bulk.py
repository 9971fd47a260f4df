"""Inserting an import's new rows in bulk, with their history rows."""

from simple_history.utils import bulk_create_with_history

BATCH_SIZE = 500


def create_in_bulk(model, records, user):
    """Insert new rows in bulk, with their history rows when the model keeps history."""
    if not records:
        return
    if hasattr(model, "history"):
        bulk_create_with_history(records, model, batch_size=BATCH_SIZE, default_user=user)
    else:
        model.objects.bulk_create(records, batch_size=BATCH_SIZE)
