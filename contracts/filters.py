"""The register's filters, shared by the /contracts/ page, its exports and the PDF schedule.

Everything a filter means lives here, so the same query string gives the same
contracts on the page, in the CSV/XLSX export and in the printed schedule.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property

from commissioning.filters import (
    YES_NO,
    FinancialYearFilter,
    GovukFilterForm,
    GovukFilterSet,
    MoneyFilter,
    NamedChoiceFilter,
)
from commissioning.formats import format_money
from contracts.as_of import AS_OF_HINT, AS_OF_LABEL, AsOfDateField, check_day, with_boxes_filled
from contracts.models import (
    Category,
    CommissioningBody,
    Contract,
    ContractPartner,
    FundingStream,
    Status,
)
from providers.models import Provider

# Furthest ahead "ending within" looks: ten years covers any contract the register holds.
MAX_MONTHS_AHEAD = 120


class AsOfFilter(django_filters.Filter):
    """The day the register is listed as of (``?as_of=`` or the three date boxes).

    It narrows no rows: the day shapes every row (status, this year's value, what ends
    soon), so the rows themselves are ``Contract.objects.for_register(filterset.day)``.
    """

    field_class = AsOfDateField

    def filter(self, queryset, value):
        return queryset


class ContractFilterForm(GovukFilterForm):
    input_width_classes = {
        "q": "govuk-!-width-full",
        "financial_year": "govuk-input--width-5",
        "ending_within": "govuk-input--width-3",
        "value_min": "govuk-input--width-10",
        "value_max": "govuk-input--width-10",
    }

    def clean_as_of(self):
        return check_day(self.cleaned_data.get("as_of"))

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("value_min"), cleaned.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "value_max",
                f"Total value up to must be the same as or more than total value from ({format_money(low)}).",
            )
        return cleaned


class ContractFilter(GovukFilterSet):
    """Filters over ``Contract.objects``: every one combinable, all state in the query string.

    ``as_of`` names the day the register is listed as of (``day``, today by default):
    give the filter ``Contract.objects.for_register(filterset.day)`` to filter.
    """

    as_of = AsOfFilter(label=AS_OF_LABEL, help_text=AS_OF_HINT)

    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        help_text="Reference, title, description or provider name",
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        empty_label="Any category",
        error_messages={"invalid_choice": "Select a category from the list"},
    )
    provider = NamedChoiceFilter(
        label="Provider",
        # Typed, not picked from a list: a national register has thousands of providers.
        queryset=Provider.objects.current().only("pk", "name"),
        method="filter_provider",
        help_text="Lead provider or partner: type its name or part of it",
        suggest_url=reverse_lazy("providers:suggest"),
        noun="provider",
    )
    commissioner = django_filters.ModelChoiceFilter(
        label="Commissioner",
        queryset=CommissioningBody.objects.all(),
        method="filter_commissioner",
        empty_label="Any commissioner",
        # A type-ahead over the list when JavaScript runs (static/js/app.js).
        widget=forms.Select(attrs={"data-module": "app-autocomplete"}),
        help_text="Lead commissioner or co-commissioner",
        error_messages={"invalid_choice": "Select a commissioner from the list"},
    )
    funding_stream = django_filters.ModelChoiceFilter(
        label="Funding stream",
        queryset=FundingStream.objects.all(),
        method="filter_funding_stream",
        empty_label="Any funding stream",
        widget=forms.Select(attrs={"data-module": "app-autocomplete"}),
        error_messages={"invalid_choice": "Select a funding stream from the list"},
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Status.choices,
        method="filter_status",
        empty_label="Any status",
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    financial_year = FinancialYearFilter(
        label="Active in financial year",
        method="filter_financial_year",
        help_text="For example, 2024/25",
    )
    ending_within = django_filters.NumberFilter(
        label="Ending within (months)",
        method="filter_ending_within",
        help_text="Running contracts ending within this many months, for example 6",
        min_value=1,
        max_value=MAX_MONTHS_AHEAD,
        decimal_places=0,
        error_messages={
            "invalid": "Ending within must be a whole number of months, for example 6",
            "min_value": "Ending within must be at least 1 month",
            "max_value": f"Ending within must be {MAX_MONTHS_AHEAD} months or fewer",
            "max_decimal_places": "Ending within must be a whole number of months, for example 6",
        },
    )
    value_min = MoneyFilter(
        label="Total value from (£)",
        method="filter_value_min",
        help_text="For example, 50000 or £50k",
    )
    value_max = MoneyFilter(
        label="Total value up to (£)",
        method="filter_value_max",
        help_text="For example, 250000 or £250k",
    )
    options_remaining = django_filters.ChoiceFilter(
        label="Extension options remaining",
        choices=YES_NO,
        method="filter_options_remaining",
        empty_label="Either",
        error_messages={"invalid_choice": "Select yes or no for extension options remaining"},
    )

    class Meta:
        model = Contract
        form = ContractFilterForm
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # A link's ?as_of=2024-01-01 fills the form's three date boxes.
        super().__init__(with_boxes_filled(data), *args, **kwargs)

    @cached_property
    def day(self):
        """The day asked for (``as_of``), or today when none is given or it is not valid."""
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("as_of"):
            return self.form.cleaned_data["as_of"]
        return timezone.localdate()

    def filter_text(self, queryset, name, value):
        """Every word must appear in the reference, title, description, or a provider's name."""
        for word in value.split():
            partner_named = ContractPartner.objects.filter(
                contract=OuterRef("pk"), provider__name__icontains=word
            )
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(lead_provider__name__icontains=word)
                | Exists(partner_named)
            )
        return queryset

    def filter_provider(self, queryset, name, provider):
        return queryset.of_provider(provider)

    def filter_commissioner(self, queryset, name, body):
        return queryset.of_body(body)

    def filter_funding_stream(self, queryset, name, stream):
        return queryset.funded_by(stream)

    def filter_status(self, queryset, name, status):
        if "current_status" in queryset.query.annotations:
            return queryset.filter(current_status=status)
        return queryset.in_status(status)

    def filter_financial_year(self, queryset, name, year):
        return queryset.active_in(year)

    def filter_ending_within(self, queryset, name, months):
        return queryset.ending_within(int(months), self.day)

    def filter_value_min(self, queryset, name, amount):
        return queryset.with_total_between(low=amount)

    def filter_value_max(self, queryset, name, amount):
        return queryset.with_total_between(high=amount)

    def filter_options_remaining(self, queryset, name, answer):
        return queryset.with_options_left(answer == "yes")
