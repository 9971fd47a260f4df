"""The register pages: the filtered, sortable list of contracts with its exports, and one contract."""

from django.db.models import F, FilteredRelation, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2.export import ExportMixin, TableExport

from commissioning.fy import FinancialYear
from commissioning.tables import RegisterTableExport, RegisterTableMixin
from contracts.as_of import AS_OF_CAVEAT, as_of_query
from contracts.filters import ContractFilter
from contracts.models import (
    Contract,
    ContractChange,
)
from contracts.tables import STATUS_TAG_COLOURS, ContractTable
from outcomes.models import KeyPerformanceIndicator

REGISTER_PAGE_SIZE = 50


class ContractRegisterView(ExportMixin, RegisterTableMixin, FilterView):
    """/contracts/: the register, filtered by the query string, as a page, CSV or XLSX.

    An htmx request (filtering or sorting in place) gets only the ``register``
    partial of the same template. Rows are counted once: django-tables2
    paginates, the view does not (no ``paginate_by``). ``?as_of=`` (a filter of
    ``ContractFilter``) lists the register as it stood on that day.
    """

    model = Contract
    filterset_class = ContractFilter
    table_class = ContractTable
    template_name = "contracts/register.html"
    table_pagination = {"per_page": REGISTER_PAGE_SIZE}
    export_formats = (TableExport.CSV, TableExport.XLSX)
    export_class = RegisterTableExport
    dataset_kwargs = {"title": "Register"}

    def get_queryset(self):
        # Replaced in get_filterset() once the filter has read the day asked for.
        return Contract.objects.none()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        self.day = filterset.day
        # The page's 50 rows are looked up late: keys first, then those rows (late_rows()).
        filterset.queryset = Contract.objects.for_register(self.day).late_rows()
        return filterset

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "day": self.day}

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.history_restore_request:
            return [f"{self.template_name}#register"]
        return [self.template_name]

    def get_table_pagination(self, table):
        # An export holds every row: no page, and so no COUNT query either.
        if self.request.GET.get(self.export_trigger_param) in self.export_formats:
            return False
        return super().get_table_pagination(table)

    def get_export_filename(self, export_format):
        if self.day != timezone.localdate():
            return f"register-as-of-{self.day:%Y-%m-%d}.{export_format}"
        return f"register-{self.day:%Y-%m-%d}.{export_format}"

    def render_to_response(self, context, **kwargs):
        # Only the formats the page offers (django-tables2 would also answer
        # json, yaml, latex …), and never an export of an invalid filter,
        # which would be a file of nothing: the page shows its errors instead.
        export_format = self.request.GET.get(self.export_trigger_param)
        filters_valid = not self.filterset.is_bound or self.filterset.is_valid()
        if export_format in self.export_formats and filters_valid:
            return self.create_export(export_format)
        response = super(ExportMixin, self).render_to_response(context, **kwargs)
        # The same URL answers htmx with a fragment: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["financial_year"] = FinancialYear.containing(self.day)
        context["day"] = self.day
        context["today"] = timezone.localdate()
        context["as_of_query"] = as_of_query(self.day)
        context["as_of_caveat"] = AS_OF_CAVEAT
        context["wide_layout"] = True
        context["export_links"] = self.export_links()
        return context

    def export_links(self):
        """CSV and XLSX links carrying the page's filters and sort, without its page number."""
        query = self.request.GET.copy()
        query.pop("page", None)
        links = []
        for export_format in self.export_formats:
            query[self.export_trigger_param] = export_format
            links.append((export_format.upper(), f"?{query.urlencode()}"))
        return links


class ContractDetailView(DetailView):
    """/contracts/<reference>/: everything the register holds about one contract."""

    template_name = "contracts/contract_detail.html"
    context_object_name = "contract"

    def get_object(self, queryset=None):
        reference = self.kwargs["reference"]
        # The contract and its current sub-lines in one query, then its parts:
        # at most 10 queries for the whole page, the session's three included.
        found = list(
            Contract.objects.current()
            .select_related(
                "category",
                "lead_provider",
                "lead_commissioner",
                "parent",
                "owner",
                # The renewal decision on its current end, if recorded (one row at most:
                # unique per contract and end date), joined into the same query.
                "end_decision",
                "end_decision__owner",
            )
            .annotate(
                end_decision=FilteredRelation(
                    "decisions",
                    condition=Q(decisions__option__isnull=True, decisions__end_date=F("end_date")),
                )
            )
            .with_status()
            .with_names("cohorts", "co_commissioners")
            # Decisions recorded on an end date it no longer has, in the same query.
            .with_earlier_decisions()
            # The parent as a scalar subquery (computed once), not parent__reference or
            # parent__in: each side of the OR is then an index condition. PostgreSQL ran
            # "IN (subquery)" inside the OR as a filter over every contract (3 s at 100,000).
            .filter(
                Q(reference=reference)
                | Q(parent=Subquery(Contract.objects.filter(reference=reference).values("pk")[:1]))
            )
            .order_by("reference")
        )
        contract = next((row for row in found if row.reference == reference), None)
        if contract is None:
            raise Http404("No contract has that reference.")
        self.sub_lines = [row for row in found if row is not contract]
        prefetch_related_objects(
            [contract],
            # Each option with its renewal decision and owner, in the options' query.
            *Contract.printed_parts(decisions=True),
            Prefetch("changes", queryset=ContractChange.objects.order_by("made_on", "pk")),
        )
        # What the Decisions section shows, with no query of its own (the page keeps its pin).
        contract.page_decision_records = [
            record
            for record in (
                # Left unset by Django when no row joined.
                getattr(contract, "end_decision", None),
                *(option.decision_record for option in contract.options.all()),
            )
            if record is not None
        ]
        contract.kpi_rows = KeyPerformanceIndicator.objects.filter(contract=contract).rows()
        return contract

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.object
        context["open_decisions"] = contract.open_decisions()
        context["decisions_made"] = contract.decisions_made()
        context["earlier_decisions"] = contract.earlier_decisions()
        # Editors and administrators are staff (commissioning.roles): no permission queries.
        context["can_record_decisions"] = self.request.user.is_staff
        context["status_tag_class"] = STATUS_TAG_COLOURS.get(contract.current_status, "")
        context["values_by_year"] = contract.values_by_year()
        context["current_year"] = FinancialYear.current()
        context["outcome_sections"] = contract.outcome_sections()
        context["sub_lines"] = self.sub_lines
        context["cohorts"] = contract.names_in("cohorts")
        context["co_commissioners"] = contract.names_in("co_commissioners")
        context["show_internal_notes"] = self.request.user.is_staff and bool(
            contract.internal_notes
        )
        return context
