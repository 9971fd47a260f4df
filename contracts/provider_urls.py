"""The provider pages, at /providers/ as always (their views read contracts, so they live here)."""

from django.urls import path

from contracts.views import providers as views

app_name = "providers"

urlpatterns = [
    path("", views.ProviderListView.as_view(), name="list"),
    path("suggest.json", views.provider_suggestions, name="suggest"),
    path("<int:pk>/", views.provider_detail, name="detail"),
]
