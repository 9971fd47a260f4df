"""Site-wide pages: the dashboard and cross-register reports."""

from django.urls import path

from commissioning import views

app_name = "site"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    # path("reports/expiring.pdf", ..., name="expiring-pdf"),
]
