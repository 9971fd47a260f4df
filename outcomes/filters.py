"""Filters for the outcomes list: line up every figure for one measure across the register."""

import django_filters
from django.db.models import Q
from django.urls import reverse_lazy

from commissioning.filters import (
    FinancialYearFilter,
    GovukFilterForm,
    GovukFilterSet,
    NamedChoiceFilter,
)
from contracts.models import Category
from outcomes.models import Measure, Outcome, OutcomeKind
from providers.models import Provider


class OutcomeFilterForm(GovukFilterForm):
    input_width_classes = {"q": "govuk-!-width-full", "period": "govuk-input--width-5"}


class OutcomeFilter(GovukFilterSet):
    """Filters over ``Outcome.objects``; all state in the query string."""

    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        help_text="Words in the statement, cohort or source",
    )
    measure = django_filters.ModelChoiceFilter(
        queryset=Measure.objects.all(),
        empty_label="Any measure",
        error_messages={"invalid_choice": "Select a measure from the list"},
    )
    kind = django_filters.ChoiceFilter(
        label="Kind",
        choices=OutcomeKind.choices,
        empty_label="Any kind",
        error_messages={"invalid_choice": "Select a kind of outcome from the list"},
    )
    category = django_filters.ModelChoiceFilter(
        field_name="contract__category",
        queryset=Category.objects.all(),
        empty_label="Any category",
        error_messages={"invalid_choice": "Select a category from the list"},
    )
    provider = NamedChoiceFilter(
        label="Lead provider",
        field_name="contract__lead_provider",
        # Typed, not picked from a list, as on the register: a <select> of 20,000 providers
        # took 170 ms of CPU to draw on every outcomes page (bench/results.md, h16l).
        queryset=Provider.objects.current().only("pk", "name"),
        suggest_url=reverse_lazy("providers:suggest"),
        noun="provider",
        help_text="Type its name or part of it",
    )
    period = FinancialYearFilter(
        label="Period in financial year",
        method="filter_period",
        help_text="Outcomes whose period falls partly or wholly in it, for example 2022/23",
    )

    class Meta:
        model = Outcome
        form = OutcomeFilterForm
        fields = []

    def filter_text(self, queryset, name, value):
        """Every word must appear in the statement, the cohort or the source."""
        for word in value.split():
            queryset = queryset.filter(
                Q(text__icontains=word) | Q(cohort__icontains=word) | Q(source__icontains=word)
            )
        return queryset

    def filter_period(self, queryset, name, year):
        return queryset.reported_in(year)
