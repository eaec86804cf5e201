from django.urls import path

from exports.end_of_contract import views_portal as views

app_name = "end_of_contract"

urlpatterns = [
    path("", views.home, name="home"),
    path("certificate/<uuid:public_id>/", views.certificate_download, name="certificate"),
    path("<slug:slug>/", views.organisation_page, name="organisation"),
    path("<slug:slug>/switch/", views.request_switch, name="request_switch"),
    path("<slug:slug>/choose/", views.choose, name="choose"),
    path("<slug:slug>/extend-transition/", views.extend_transition, name="extend_transition"),
    path("<slug:slug>/extend-retrieval/", views.extend_retrieval, name="extend_retrieval"),
    path("<slug:slug>/confirm-deletion/", views.confirm_deletion, name="confirm_deletion"),
]
