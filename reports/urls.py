"""The dashboard and the reports that read across the register (same addresses as always)."""

from django.urls import path

from reports.views import dashboard, expiring, publication, quality, schedules

app_name = "reports"

urlpatterns: list = [
    path("", dashboard.dashboard, name="dashboard"),
    path("alerts/", dashboard.alert_preference, name="alert-preference"),
    path("reports/data-quality/", quality.data_quality, name="data-quality"),
    path("reports/data-quality.pdf", quality.data_quality_pdf, name="data-quality-pdf"),
    path("reports/expiring/", expiring.expiring, name="expiring"),
    path("reports/expiring.pdf", expiring.expiring_pdf, name="expiring-pdf"),
    path("reports/publication/", publication.publication_report, name="publication"),
    path("reports/publication.pdf", publication.publication_report_pdf, name="publication-pdf"),
    path("reports/schedule/<uuid:task_id>/", schedules.schedule_progress, name="schedule-progress"),
    path("reports/schedule/<slug:key>.pdf", schedules.schedule_download, name="schedule-download"),
]
