from django.urls import path

from trustcentre.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("events/<uuid:public_id>/", views.event_detail, name="event_detail"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<uuid:public_id>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:public_id>/retry/", views.export_retry, name="export_retry"),
    path("exports/download/<str:token>/", views.export_download, name="export_download"),
]
