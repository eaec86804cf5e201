from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_home, name="home"),
    path("<slug:slug>/", views.export_list, name="list"),
    path("<slug:slug>/download/<str:token>/", views.export_download, name="download"),
    path("<slug:slug>/<uuid:public_id>/", views.export_detail, name="detail"),
    path("<slug:slug>/<uuid:public_id>/status/", views.export_status, name="status"),
    path("<slug:slug>/<uuid:public_id>/retry/", views.export_retry, name="retry"),
]
