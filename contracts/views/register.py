"""The register pages: the filtered, sortable list of contracts with its exports, and one contract."""

import functools

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2.export import ExportMixin, TableExport

from commissioning.fy import FinancialYear
from commissioning.tables import RegisterTableMixin
from contracts.filters import ContractFilter
from contracts.models import (
    Contract,
    ContractChange,
    ContractPartner,
    ContractValue,
    ExtensionOption,
)
from contracts.tables import STATUS_TAG_COLOURS, ContractTable, days_left
from outcomes.models import KeyPerformanceIndicator, Outcome, OutcomeKind

REGISTER_PAGE_SIZE = 50


def register_queryset():
    """Current contracts with everything the register table shows, in one query per page."""
    return _register_queryset_on(timezone.localdate()).all()


@functools.lru_cache(maxsize=2)
def _register_queryset_on(day):
    # Building these annotations (status, totals, value apportioned to the
    # year) costs more than rendering a dozen rows; they depend only on the
    # day, so build them once a day and hand out clones, never this queryset.
    return (
        Contract.objects.current()
        .select_related("category", "lead_provider")
        .with_status(today=day)
        .with_stored_money(FinancialYear.containing(day), name="value_in_current_year")
    )


class ContractRegisterView(ExportMixin, RegisterTableMixin, FilterView):
    """/contracts/: the register, filtered by the query string, as a page, CSV or XLSX.

    An htmx request (filtering or sorting in place) gets only the ``register``
    partial of the same template. Rows are counted once: django-tables2
    paginates, the view does not (no ``paginate_by``).
    """

    model = Contract
    filterset_class = ContractFilter
    table_class = ContractTable
    template_name = "contracts/register.html"
    table_pagination = {"per_page": REGISTER_PAGE_SIZE}
    export_formats = (TableExport.CSV, TableExport.XLSX)
    dataset_kwargs = {"title": "Register"}

    def get_queryset(self):
        # The page's 50 rows are looked up late: keys first, then those rows (late_rows()).
        return register_queryset().late_rows()

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
        return f"register-{timezone.localdate():%Y-%m-%d}.{export_format}"

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
        context["financial_year"] = FinancialYear.current()
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
            .select_related("category", "lead_provider", "lead_commissioner", "parent")
            .with_status()
            # parent__in a subquery, not parent__reference: each side of the OR uses its index.
            .filter(
                Q(reference=reference) | Q(parent__in=Contract.objects.filter(reference=reference))
            )
            .order_by("reference")
        )
        contract = next((row for row in found if row.reference == reference), None)
        if contract is None:
            raise Http404("No contract has that reference.")
        self.sub_lines = [row for row in found if row is not contract]
        prefetch_related_objects(
            [contract],
            Prefetch(
                "partners",
                queryset=ContractPartner.objects.select_related("provider").order_by(
                    "role", "area", "provider__name"
                ),
            ),
            Prefetch(
                "values", queryset=ContractValue.objects.select_related("funding_stream", "payer")
            ),
            Prefetch(
                "options",
                queryset=ExtensionOption.objects.select_related("funding_stream", "payer"),
            ),
            Prefetch("outcomes", queryset=Outcome.objects.select_related("measure")),
            Prefetch("changes", queryset=ContractChange.objects.order_by("made_on", "pk")),
        )
        contract.kpi_rows = KeyPerformanceIndicator.objects.filter(contract=contract).rows()
        return contract

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contract = self.object
        amounts = [*contract.values.all(), *contract.options.all()]
        context["funding_streams"] = distinct(amount.funding_stream for amount in amounts)
        # A value without a payer is paid by the lead commissioner.
        context["payers"] = distinct(
            value.payer or contract.lead_commissioner for value in contract.values.all()
        )
        context["status_tag_class"] = STATUS_TAG_COLOURS.get(contract.current_status, "")
        context["ending_in_days"] = days_left(contract.end_date, contract.current_status)
        context["values_by_year"] = contract.values_by_year()
        context["current_year"] = FinancialYear.current()
        context["outcome_groups"] = outcomes_by_kind(contract.outcomes.all())
        context["sub_lines"] = self.sub_lines
        context.update(contract.names_in("cohorts", "co_commissioners"))
        context["show_internal_notes"] = self.request.user.is_staff and bool(
            contract.internal_notes
        )
        return context


def distinct(items):
    """The items that are not None, each once, in first-seen order."""
    return list(dict.fromkeys(item for item in items if item is not None))


def outcomes_by_kind(outcomes):
    """``[(kind label, [outcomes])]`` in the order the kinds are declared, skipping empty kinds."""
    groups = {kind: [] for kind in OutcomeKind}
    for outcome in outcomes:
        groups[OutcomeKind(outcome.kind)].append(outcome)
    return [(kind.label, kind, items) for kind, items in groups.items() if items]
