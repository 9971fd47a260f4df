"""What the register still owes the public: per contract, the publication duties not yet met."""

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports.documents import PublicationReport


@require_safe
def publication_report(request):
    return render(request, "reports/publication.html", PublicationReport().context())


@transaction.non_atomic_requests
@require_safe
def publication_report_pdf(request):
    return PublicationReport().response()
