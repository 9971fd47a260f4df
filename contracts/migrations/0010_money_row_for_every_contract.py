"""Every contract has its stored money row: £0 and no options for those that had none (no
values or options yet), so the register joins it without losing a contract and sorts by
its index (contracts/models/stored_money.py)."""

from django.db import migrations

BACKFILL = """
INSERT INTO contracts_contractmoney (contract_id, total_amount, options_amount, options_remaining)
SELECT contract.id, 0, 0, false
FROM contracts_contract AS contract
WHERE NOT EXISTS (
    SELECT 1 FROM contracts_contractmoney AS money WHERE money.contract_id = contract.id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0009_child_row_versions"),
    ]

    operations = [
        # Backwards, the rows stay: a £0 row reads the same as no row did.
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
