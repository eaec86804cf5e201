from django.urls import path

from trustcentre.documents import views_staff as views

app_name = "documents_staff"

urlpatterns = [
    path("access-requests/", views.access_request_list, name="access_request_list"),
    path(
        "access-requests/<uuid:public_id>/",
        views.access_request_detail,
        name="access_request_detail",
    ),
    path("nda-register/", views.nda_register, name="nda_register"),
    path(
        "nda-register/<uuid:public_id>/receipt.pdf",
        views.nda_register_receipt,
        name="nda_register_receipt",
    ),
    path(
        "access-requests/<uuid:public_id>/approve/",
        views.access_request_approve,
        name="access_request_approve",
    ),
    path(
        "access-requests/<uuid:public_id>/reject/",
        views.access_request_reject,
        name="access_request_reject",
    ),
    path(
        "access-requests/<uuid:public_id>/revoke/",
        views.access_request_revoke,
        name="access_request_revoke",
    ),
    path("nda-uploads/<uuid:public_id>/", views.nda_upload_detail, name="nda_upload_detail"),
    path("nda-uploads/<uuid:public_id>/file/", views.nda_upload_file, name="nda_upload_file"),
    path("nda-versions/", views.nda_version_list, name="nda_version_list"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<uuid:public_id>/", views.document_detail, name="document_detail"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path(
        "questionnaires/<uuid:public_id>/",
        views.questionnaire_detail,
        name="questionnaire_detail",
    ),
    path(
        "questionnaires/<uuid:public_id>/assign/",
        views.questionnaire_assign,
        name="questionnaire_assign",
    ),
    path(
        "questionnaires/<uuid:public_id>/file/",
        views.questionnaire_file,
        name="questionnaire_file",
    ),
]
