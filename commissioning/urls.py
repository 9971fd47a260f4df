from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("reports.urls")),
    path("contracts/", include("contracts.urls")),
    path("providers/", include("contracts.provider_urls")),
    path("outcomes/", include("outcomes.urls")),
    path("published/", include("publication.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

# 503 when the database is unreachable, 500 otherwise (403 and 404 use templates/403.html, 404.html).
handler500 = "commissioning.errors.server_error"
