"""The register table on /contracts/ and its CSV/XLSX exports."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html

from commissioning.fy import FinancialYear
from commissioning.tables import MoneyColumn, RegisterTable, UkDateColumn, link
from contracts.models import Contract, Status

STATUS_TAG_COLOURS = {
    Status.PLANNED: "govuk-tag--grey",
    Status.PROCUREMENT: "govuk-tag--purple",
    Status.LIVE: "govuk-tag--green",
    Status.EXTENDED: "govuk-tag--turquoise",
    Status.ENDED: "govuk-tag--grey",
    Status.TERMINATED: "govuk-tag--red",
}
STATUS_LABELS = dict(Status.choices)


class ContractTable(RegisterTable):
    """The register: one row per contract, from ``Contract.objects.current()`` with annotations.

    Expects the rows of ``Contract.objects.for_register(day)`` (derived status, stored
    totals and value in ``day``'s financial year, category and lead provider): no cell
    runs a query. ``day`` (today by default) is the day the register is listed as of.
    """

    caption = "Contracts in the register"

    reference = tables.Column(verbose_name="Reference")
    title = tables.Column(verbose_name="Title")
    category = tables.Column(
        verbose_name="Category",
        accessor="category__name",
        order_by=("category__order", "category__name", "reference"),
    )
    lead_provider = tables.Column(
        verbose_name="Lead provider",
        accessor="lead_provider__name",
        order_by=("lead_provider__name", "reference"),
    )
    value_in_current_year = MoneyColumn(
        verbose_name="Value this year",
        order_by=("value_in_current_year", "reference"),
    )
    total_amount = MoneyColumn(verbose_name="Total value", order_by=("total_amount", "reference"))
    end_date = UkDateColumn(verbose_name="End date", order_by=("end_date", "reference"))
    current_status = tables.Column(
        verbose_name="Status", order_by=("current_status", "end_date", "reference")
    )

    class Meta(RegisterTable.Meta):
        model = Contract
        fields = ()
        sequence = (
            "reference",
            "title",
            "category",
            "lead_provider",
            "value_in_current_year",
            "total_amount",
            "end_date",
            "current_status",
        )
        order_by = ("category",)

    # Sort and page links swap the whole register region (filters and results).
    htmx_target = "#register"

    def __init__(self, *args, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The day the register is listed as of (?as_of=): "ends in" and the year count from it.
        self.today = day or timezone.localdate()
        year = FinancialYear.containing(self.today)
        self.columns["value_in_current_year"].column.verbose_name = f"Value {year}"

    def render_reference(self, value, record):
        return link(record.get_absolute_url(), value)

    def value_reference(self, value):
        return value

    def render_current_status(self, value, record):
        label = STATUS_LABELS.get(value, value)
        ending = record.ends_in_words(self.today)
        if not ending:
            return format_html(
                '<strong class="govuk-tag {}">{}</strong>', STATUS_TAG_COLOURS.get(value, ""), label
            )
        return format_html(
            '<strong class="govuk-tag govuk-tag--orange">{}</strong>'
            '<span class="app-ends-in govuk-body-s">{}</span>',
            label,
            ending,
        )

    def value_current_status(self, value, record):
        label = STATUS_LABELS.get(value, value)
        ending = record.ends_in_words(self.today)
        return f"{label} ({ending})" if ending else label
