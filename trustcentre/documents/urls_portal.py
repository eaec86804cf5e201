from django.urls import path

from trustcentre.documents import views_portal as views

app_name = "documents_portal"

urlpatterns = [
    path("access-requests/", views.access_request_list, name="access_request_list"),
    path("access-requests/new/", views.access_request_new, name="access_request_new"),
    path("nda/", views.nda_accept, name="nda_accept"),
    path("nda/upload/", views.nda_upload, name="nda_upload"),
    path("nda/<uuid:public_id>/", views.nda_detail, name="nda_detail"),
    path("nda/<uuid:public_id>/receipt.pdf", views.nda_receipt, name="nda_receipt"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path(
        "questionnaires/answer/<str:token>/",
        views.questionnaire_answer,
        name="questionnaire_answer",
    ),
]
