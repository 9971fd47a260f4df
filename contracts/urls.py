from django.urls import path

from contracts.views import decisions, pdf, register

app_name = "contracts"

urlpatterns: list = [
    # Before any "<slug:reference>/" pattern, so "schedule.pdf" is never read as a reference.
    path("schedule.pdf", pdf.schedule_pdf, name="schedule-pdf"),
    path("<slug:reference>/summary.pdf", pdf.summary_pdf, name="summary-pdf"),
    path("", register.ContractRegisterView.as_view(), name="list"),
    path("<slug:reference>/", register.ContractDetailView.as_view(), name="detail"),
    path(
        "<slug:reference>/decisions/<slug:subject>/",
        decisions.record_decision,
        name="record-decision",
    ),
]
