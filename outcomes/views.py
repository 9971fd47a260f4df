"""Outcomes across the register, filterable so one measure's figures line up."""

from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from outcomes.filters import OutcomeFilter
from outcomes.models import Outcome
from outcomes.tables import OutcomeTable


class OutcomeListView(SingleTableMixin, FilterView):
    model = Outcome
    filterset_class = OutcomeFilter
    table_class = OutcomeTable
    table_pagination = {"per_page": 50}
    template_name = "outcomes/outcome_list.html"

    def get_queryset(self):
        return (
            Outcome.objects.filter(contract__archived_at__isnull=True)
            .select_related("contract", "contract__lead_provider", "measure")
            .order_by("measure__name", "contract__title", "period_start", "pk")
        )
