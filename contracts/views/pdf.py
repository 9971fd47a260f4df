"""The contracts' PDF downloads: the schedule and a contract's summary.

Each view reads its parameters into a document object and asks it for a
response; the document serves its stored copy, renders it, or (a large
schedule) queues it for the task worker.

The views opt out of ATOMIC_REQUESTS: rendering takes seconds, and a
transaction held open that long would block writers on SQLite.
"""

from django.db import transaction
from django.views.decorators.http import require_safe

from commissioning.documents import bad_request
from contracts.documents import ContractSummary, ScheduleDocument


@transaction.non_atomic_requests
@require_safe
def schedule_pdf(request):
    """The commissioned services schedule for the register's query string."""
    document = ScheduleDocument(request.GET)
    if not document.is_valid():
        return bad_request(request, "The schedule’s filters are not valid", document.errors)
    return document.response()


@transaction.non_atomic_requests
@require_safe
def summary_pdf(request, reference):
    """One contract's summary on one or two A4 pages."""
    return ContractSummary(reference).response()
