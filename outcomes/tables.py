"""The outcomes table: figures from every service side by side."""

from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html

from commissioning.formats import format_money
from commissioning.tables import RegisterTable, link
from outcomes.models import Outcome, Unit

UNIT_WORDS = {Unit.HOURS: "hours", Unit.DAYS: "days", Unit.WEEKS: "weeks"}


def outcome_value_text(outcome):
    """The figure as a reader expects it: ``87%``, ``546``, ``£1,200``, ``5 days``, ``12 of 20``."""
    ratio = ""
    if outcome.numerator is not None and outcome.denominator:
        ratio = f"{outcome.numerator:,} of {outcome.denominator:,}"
    if outcome.value is None:
        return f"{ratio} ({outcome.ratio_percent.normalize():f}%)" if ratio else ""
    number = _plain_number(outcome.value)
    if outcome.unit == Unit.PERCENT:
        text = f"{number}%"
    elif outcome.unit == Unit.POUNDS:
        text = format_money(outcome.value)
    elif outcome.unit in UNIT_WORDS:
        text = f"{number} {UNIT_WORDS[outcome.unit]}"
    else:
        text = number
    return f"{text} ({ratio})" if ratio else text


def _plain_number(value):
    """1,234 for 1234.00 and 87.5 for 87.50: no trailing zeros a reader did not write."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


class ValueColumn(tables.Column):
    """The outcome's figure, right-aligned."""

    cell_class = "govuk-table__cell--numeric app-table__cell--nowrap"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"th": {"class": "govuk-table__header--numeric"}})
        super().__init__(*args, **kwargs)


class OutcomeTable(RegisterTable):
    """Outcomes with their contract, lead provider and measure.

    Expects ``select_related("contract", "contract__lead_provider", "measure")``.
    """

    caption = "Outcomes"

    contract = tables.Column(verbose_name="Contract", order_by=("contract__title", "pk"))
    provider = tables.Column(
        verbose_name="Provider",
        accessor="contract__lead_provider__name",
        order_by=("contract__lead_provider__name", "pk"),
    )
    measure = tables.Column(
        verbose_name="Measure",
        accessor="measure__name",
        order_by=("measure__name", "pk"),
        default="",
    )
    text = tables.Column(verbose_name="Statement", orderable=False)
    value = ValueColumn(verbose_name="Value", empty_values=(), order_by=("value", "pk"))
    cohort = tables.Column(verbose_name="Cohort", orderable=False, default="")
    period = tables.Column(
        verbose_name="Period", empty_values=(), order_by=("period_start", "period_end", "pk")
    )
    source = tables.Column(verbose_name="Source", orderable=False, default="")

    class Meta(RegisterTable.Meta):
        model = Outcome
        fields = ["contract", "provider", "measure", "text", "value", "cohort", "period", "source"]
        attrs = {**RegisterTable.Meta.attrs, "id": "outcomes"}
        empty_text = "No outcome matches these filters."

    def render_contract(self, record):
        contract = record.contract
        return format_html(
            '{} <span class="govuk-hint govuk-!-font-size-16">{}</span>',
            link(contract.get_absolute_url(), contract.title),
            contract.reference,
        )

    def render_provider(self, record):
        provider = record.contract.lead_provider
        return link(provider.get_absolute_url(), provider.name)

    def render_text(self, record):
        kind = record.get_kind_display()
        return format_html(
            '{} <span class="govuk-!-display-block govuk-body-s govuk-!-margin-0">{}</span>',
            record.text,
            kind,
        )

    def render_value(self, record):
        return outcome_value_text(record)

    def render_period(self, record):
        return record.period
