"""The contracts' printed documents: the schedule (``ScheduleDocument``) and the contract summary
(``ContractSummary``), each a ``commissioning.documents.Document``.

Each document is built from the same QuerySets the pages use, with its related
rows prefetched so a document costs a fixed number of queries however many
contracts it holds. Only published text is printed: internal notes (on
contracts and providers) and unpublished outcomes never reach a PDF.
"""

import datetime
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property

from commissioning.documents import Document, dated_filename
from commissioning.formats import format_date
from commissioning.fy import FinancialYear
from outcomes.models import KeyPerformanceIndicator

from .as_of import AS_OF_CAVEAT
from .filters import ContractFilter
from .models import (
    Contract,
    ContractValue,
    RenewalDecision,
)

SCHEDULE_TITLE = "Commissioned services schedule"

# A landscape page holds about 40 lines of schedule text. Rows up to half a
# page are kept whole; taller ones break between lines and list items, so a
# long row neither leaves half a page empty nor, taller than a page, loses the
# repeated table header (WeasyPrint drops it on the pages of an unbreakable
# oversized row).
DESCRIPTION_CHARACTERS_PER_LINE = 55
OUTCOME_CHARACTERS_PER_LINE = 45
LINES_KEPT_WHOLE = 22


def estimated_schedule_lines(contract):
    """The estimated height, in lines, of a contract's tallest cell in the schedule."""
    description = sum(
        len(paragraph) // DESCRIPTION_CHARACTERS_PER_LINE + 2
        for paragraph in contract.description.split("\n\n")
        if paragraph.strip()
    )
    outcomes = sum(
        len(outcome.text) // OUTCOME_CHARACTERS_PER_LINE + 2
        for section in contract.printed_outcome_sections
        for outcome in section.outcomes
    ) + 2 * len(contract.printed_outcome_sections)
    details = 10 + 3 * len(contract.values.all()) + 3 * len(contract.options.all())
    return max(description, outcomes, details)


def printed_contract(contract):
    """Attach what the templates print beside the contract's own properties."""
    contract.printed_outcome_sections = contract.outcome_sections(published_only=True)
    contract.fits_on_a_page = estimated_schedule_lines(contract) <= LINES_KEPT_WHOLE
    contract.printed_values = [
        {
            "value": value,
            "years": value.by_year() if value.financial_year is None else {},
        }
        for value in contract.values.all()
    ]
    return contract


def normalised_query(filterset):
    """The filter values that were given, in a fixed order: one string per distinct schedule."""
    names = list(filterset.form.fields)
    given = QueryDict(mutable=True)
    for key in sorted(filterset.data):
        if any(key == name or key.startswith(f"{name}_") for name in names):
            values = sorted(value.strip() for value in filterset.data.getlist(key) if value.strip())
            if values:
                given.setlist(key, values)
    return given.urlencode()


def describe_filters(filterset):
    """The filters applied, in words: "Category: Cybercrime; Ending within: 6 months"."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return ""
    described = []
    for name, field in filterset.form.fields.items():
        if name == "as_of":  # the day is said on its own line, not as a filter
            continue
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()) or (hasattr(value, "exists") and not value):
            continue
        described.append(
            f"{field.label or name.replace('_', ' ').capitalize()}: {_shown(field, value)}"
        )
    return "; ".join(described)


def _shown(field, value):
    """A cleaned filter value as the user chose it: a name, a choice's label, a date."""
    if isinstance(value, models.Model | FinancialYear):
        return str(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, list | tuple | models.QuerySet):
        return ", ".join(_shown(field, item) for item in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, slice):  # a RangeFilter's range
        return " to ".join(str(end) for end in (value.start, value.stop) if end is not None)
    choices = {str(key): label for key, label in getattr(field, "choices", []) if key != ""}
    return str(choices.get(str(value), value))


class ScheduleDocument(Document):
    """The commissioned services schedule for a register query string.

    Binds the register's own ``ContractFilter`` to the query string and prints
    over the register's own QuerySet, so a filtered register prints exactly
    that set, with the filters stated in words at the top. A schedule of more
    than ``SCHEDULE_BACKGROUND_ROWS`` contracts is queued for the task worker
    instead of being rendered in the request.
    """

    kind = "schedule"
    template_name = "pdf/schedule.html"
    title = SCHEDULE_TITLE

    def __init__(self, query):
        # Bound over no rows: enough to validate the query and name the document.
        # Building the register's annotated QuerySet costs more than serving a
        # stored PDF, so it is attached only when the schedule is rendered.
        self.filterset = ContractFilter(query, queryset=Contract.objects.none())

    def is_valid(self):
        return self.filterset.is_valid()

    @property
    def errors(self):
        return [str(error) for errors in self.filterset.errors.values() for error in errors]

    @cached_property
    def parameters(self):
        return normalised_query(self.filterset)

    @property
    def filename(self):
        return dated_filename("commissioned-services-schedule")

    def contracts(self):
        """The filtered contracts, over the same QuerySet the register page lists (as of the
        day the query asks for, today by default)."""
        self.filterset.queryset = Contract.objects.for_register(self.filterset.day)
        return self.filterset.qs

    def too_large_for_a_request(self):
        return self.contracts().count() > settings.SCHEDULE_BACKGROUND_ROWS

    def response(self):
        """The stored or freshly rendered PDF; for a large schedule, the page that waits for it."""
        if not self.is_stored() and self.too_large_for_a_request():
            from .tasks import queue_schedule  # the task module imports this one

            return redirect("reports:schedule-progress", task_id=queue_schedule(self))
        return super().response()

    def context(self):
        """The schedule's rows grouped by category, and the set's totals per financial year."""
        contracts = [
            printed_contract(contract)
            # A sub-line follows its main contract, as in the seed table.
            for contract in self.contracts()
            .with_printed_relations()
            .order_by(
                "category__order",
                "category__name",
                Coalesce("parent__title", "title"),
                F("parent").asc(nulls_first=True),
                "title",
                "reference",
            )
        ]
        years = sorted({year for contract in contracts for year in contract.values_by_year()})
        if years:
            years = [
                FinancialYear(start)
                for start in range(years[0].start_year, years[-1].start_year + 1)
            ]
        totals = (
            ContractValue.objects.filter(contract__in=[contract.pk for contract in contracts])
            .totals_by_year(years)
            .get(None, {})
        )
        return {
            "groups": [
                {"category": category, "contracts": list(rows)}
                for category, rows in groupby(contracts, key=lambda contract: contract.category)
            ],
            "contract_count": len(contracts),
            "filters_description": describe_filters(self.filterset),
            "day": self.filterset.day,
            "shown_as_of": self.filterset.day != timezone.localdate(),
            "as_of_caveat": AS_OF_CAVEAT,
            "year_totals": [
                {"year": year, "total": totals.get(year, Decimal(0))} for year in years
            ],
            "grand_total": sum((contract.total_value for contract in contracts), Decimal(0)),
            "options_total": sum((contract.options_value for contract in contracts), Decimal(0)),
        }


class ContractSummary(Document):
    """One contract on one or two A4 pages."""

    kind = "summary"
    template_name = "pdf/summary.html"

    def __init__(self, reference):
        self.reference = reference

    @property
    def parameters(self):
        return self.reference

    @cached_property
    def contract(self):
        """The contract with everything it prints; 404 for an unknown reference."""
        return get_object_or_404(
            Contract.objects.current()
            .with_printed_relations()
            .prefetch_related(
                Prefetch(
                    "decisions", queryset=RenewalDecision.objects.select_related("owner", "option")
                )
            ),
            reference=self.reference,
        )

    @property
    def title(self):
        return f"Contract summary: {self.contract.title}"

    @property
    def filename(self):
        return dated_filename(f"{self.reference}-summary")

    def context(self):
        contract = printed_contract(self.contract)
        contract.kpi_rows = KeyPerformanceIndicator.objects.filter(contract=contract).rows()
        return {
            "contract": contract,
            "sub_lines": list(contract.sub_lines.all()),
            "this_year": FinancialYear.current(),
        }
