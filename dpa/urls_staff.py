from django.urls import path

from dpa import views_staff as views

app_name = "dpa_staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/<slug:slug>/remind/", views.remind, name="remind"),
    path("organisations/<slug:slug>/upload/", views.negotiated_upload, name="negotiated_upload"),
    path("versions/", views.version_list, name="version_list"),
    path("versions/new/", views.version_create, name="version_create"),
    path("versions/<uuid:public_id>/", views.version_detail, name="version_detail"),
    path("versions/<uuid:public_id>/edit/", views.version_edit, name="version_edit"),
    path("versions/<uuid:public_id>/preview.pdf", views.version_preview, name="version_preview"),
    path("versions/<uuid:public_id>/publish/", views.version_publish, name="version_publish"),
    path("agreements/<uuid:public_id>/", views.agreement_detail, name="agreement_detail"),
    path(
        "agreements/<uuid:public_id>/countersign/",
        views.agreement_countersign,
        name="agreement_countersign",
    ),
    path(
        "agreements/<uuid:public_id>/download/",
        views.agreement_download,
        name="agreement_download",
    ),
]
