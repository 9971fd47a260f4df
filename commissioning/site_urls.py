"""Site-wide pages: the dashboard and cross-register reports."""

from django.urls import path

from commissioning import views
from contracts.views import pdf as contract_pdfs

app_name = "site"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("reports/expiring.pdf", contract_pdfs.expiring_pdf, name="expiring-pdf"),
    path(
        "reports/schedule/<slug:key>/",
        contract_pdfs.schedule_progress,
        name="schedule-progress",
    ),
    path(
        "reports/schedule/<slug:key>.pdf",
        contract_pdfs.schedule_download,
        name="schedule-download",
    ),
]
