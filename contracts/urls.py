from django.urls import path

from contracts.views import pdf

app_name = "contracts"

urlpatterns: list = [
    # Before any "<slug:reference>/" pattern, so "schedule.pdf" is never read as a reference.
    path("schedule.pdf", pdf.schedule_pdf, name="schedule-pdf"),
    path("<slug:reference>/summary.pdf", pdf.summary_pdf, name="summary-pdf"),
]
