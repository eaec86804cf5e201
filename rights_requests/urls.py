from django.urls import path

from rights_requests import views

app_name = "rights_requests"

urlpatterns = [
    path("new/", views.request_new, name="new"),
    path("new/sent/", views.request_filed, name="filed"),
    path("confirm/<str:token>/", views.request_verify, name="verify"),
    path("open/<str:token>/", views.status_link, name="status_link"),
    path("<str:reference>/", views.request_status, name="status"),
    path("<str:reference>/reply/", views.request_reply, name="reply"),
    path("<str:reference>/letter.pdf", views.request_letter, name="letter"),
    path("<str:reference>/download/<str:token>/", views.request_download, name="download"),
]
