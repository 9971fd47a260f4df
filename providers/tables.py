"""The providers table."""

import django_tables2 as tables
from django.db.models.functions import Lower

from commissioning.tables import MoneyColumn, RegisterTable, link
from providers.models import Provider


class CountColumn(tables.Column):
    """A whole number, right-aligned like the money beside it."""

    cell_class = "govuk-table__cell--numeric"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "govuk-table__header--numeric"}})
        super().__init__(*args, **kwargs)


class ProviderTable(RegisterTable):
    """Current providers with the contracts they hold and their annual value.

    Expects the queryset annotated by ``contracts.models.holdings.with_holdings()``.
    """

    caption = "Providers"

    name = tables.Column(verbose_name="Provider")
    kind = tables.Column(verbose_name="Kind")
    contracts_held = CountColumn(verbose_name="Contracts held")
    annual_value = MoneyColumn(verbose_name="Annual value")
    total_value = MoneyColumn(verbose_name="Total value, all years")

    class Meta(RegisterTable.Meta):
        model = Provider
        fields = ["name", "kind", "contracts_held", "annual_value", "total_value"]
        attrs = {**RegisterTable.Meta.attrs, "id": "providers"}
        empty_text = "No provider matches these filters."

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns["annual_value"].column.verbose_name = f"Annual value {year}"

    def render_name(self, record):
        return link(record.get_absolute_url(), record.name)

    def order_name(self, queryset, is_descending):
        # Case-insensitive, so "hOPe" sorts beside "Hope" on SQLite as on PostgreSQL.
        name = Lower("name")
        return queryset.order_by(name.desc() if is_descending else name.asc()), True

    def render_kind(self, record):
        return record.get_kind_display()
