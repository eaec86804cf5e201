from django.urls import path

from rights_requests import (
    converters,  # noqa: F401 (registers <reference:...>)
    views_staff,
)

app_name = "rights_requests_staff"

urlpatterns = [
    path("rights-requests/", views_staff.request_list, name="request_list"),
    path("rights-requests/stats/", views_staff.request_stats, name="stats"),
    path(
        "rights-requests/<reference:reference>/", views_staff.request_detail, name="request_detail"
    ),
    path(
        "rights-requests/<reference:reference>/letter.pdf",
        views_staff.request_letter,
        name="request_letter",
    ),
    path(
        "rights-requests/<reference:reference>/jobs/<uuid:public_id>/",
        views_staff.job_status,
        name="job_status",
    ),
    path(
        "rights-requests/<reference:reference>/<slug:action>/",
        views_staff.request_action,
        name="request_action",
    ),
]
