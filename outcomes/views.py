"""Outcomes across the register, filterable so one measure's figures line up."""

from django.db.models import F
from django_filters.views import FilterView

from commissioning.tables import RegisterTableMixin
from outcomes.filters import OutcomeFilter
from outcomes.models import Outcome
from outcomes.tables import OutcomeTable


class OutcomeListView(RegisterTableMixin, FilterView):
    model = Outcome
    filterset_class = OutcomeFilter
    table_class = OutcomeTable
    table_pagination = {"per_page": 50}
    template_name = "outcomes/outcome_list.html"

    def get_queryset(self):
        return (
            Outcome.objects.filter(contract__archived_at__isnull=True)
            .select_related("contract", "contract__lead_provider", "measure")
            # Figures with a measure first, grouped by it, so like lines up with like.
            .order_by(
                F("measure__name").asc(nulls_last=True), "contract__title", "period_start", "pk"
            )
        )

    def get_context_data(self, **kwargs):
        # Eight columns need the full width of the page.
        return super().get_context_data(wide_layout=True, **kwargs)
