"""The /api/v1/ router: each app's API is included here."""

from django.urls import include, path

app_name = "api"

urlpatterns: list = [
    path("", include("trustcentre.accounts.api")),
    path("", include("exports.api")),
    path("", include("exports.api_register")),
    path("", include("trustcentre.documents.api")),
    path("", include("subprocessors.api")),
    path("", include("rights_requests.api")),
    path("", include("dpa.api")),
    path("", include("dpa.breaches.api")),
    path("", include("retention.api")),
]
