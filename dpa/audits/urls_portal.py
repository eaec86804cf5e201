from django.urls import path

from dpa.audits import views_portal

app_name = "audits_portal"

urlpatterns = [
    path("", views_portal.request_list, name="request_list"),
    path("new/<slug:slug>/", views_portal.request_new, name="request_new"),
    path("download/<str:token>/", views_portal.document_download, name="document_download"),
    path("<uuid:public_id>/", views_portal.request_detail, name="request_detail"),
    path("<uuid:public_id>/messages/", views_portal.message_post, name="message_post"),
]
