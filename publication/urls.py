"""/published/: the office's transparency page and its downloads, open to anyone when
PUBLIC_REGISTER is on. The file names match the static bundle's, so links are relative."""

from django.urls import path

from . import views
from .documents import FILES

app_name = "publication"

urlpatterns = [
    path("", views.published_page, name="page"),
    path(FILES["contracts_csv"], views.contracts_csv, name="contracts-csv"),
    path(FILES["grants_csv"], views.grants_csv, name="grants-csv"),
    path(FILES["pdf"], views.published_pdf, name="pdf"),
    path(FILES["ocds"], views.ocds_json, name="ocds"),
    path(FILES["giving"], views.giving_json, name="360giving"),
]
