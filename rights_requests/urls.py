from django.urls import path

from rights_requests import (
    converters,  # noqa: F401 (registers <reference:...>)
    views,
)

app_name = "rights_requests"

urlpatterns = [
    path("new/", views.request_new, name="new"),
    path("new/sent/", views.request_filed, name="filed"),
    path("confirm/<str:token>/", views.request_verify, name="verify"),
    path("open/<str:token>/", views.status_link, name="status_link"),
    # Before the reference pattern, which "look-up" would also match.
    path("look-up/", views.request_lookup, name="lookup"),
    path("<reference:reference>/", views.request_status, name="status"),
    path("<reference:reference>/reply/", views.request_reply, name="reply"),
    path("<reference:reference>/letter.pdf", views.request_letter, name="letter"),
    path("<reference:reference>/download/<str:token>/", views.request_download, name="download"),
]
