"""Filters for the providers list."""

import django_filters

from commissioning.filters import GovukFilterForm, GovukFilterSet
from providers.models import Provider, ProviderKind


class ProviderFilterForm(GovukFilterForm):
    input_width_classes = {"name": "govuk-!-width-full"}


class ProviderFilter(GovukFilterSet):
    """Filters over ``Provider.objects``; all state in the query string."""

    name = django_filters.CharFilter(
        label="Name",
        lookup_expr="icontains",
        help_text="Part of the provider's name",
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of organisation",
        choices=ProviderKind.choices,
        empty_label="Any kind",
        error_messages={"invalid_choice": "Select a kind of organisation from the list"},
    )

    class Meta:
        model = Provider
        form = ProviderFilterForm
        fields = []
