from django.urls import path

from trustcentre.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<uuid:public_id>/", views.document_detail, name="detail"),
    path("download/<str:token>/", views.document_download, name="download"),
]
