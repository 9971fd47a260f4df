from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.OutcomeListView.as_view(), name="list"),
]
