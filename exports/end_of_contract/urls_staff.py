from django.urls import path

from exports.end_of_contract import views_staff as views

app_name = "end_of_contract_staff"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("<uuid:public_id>/unfeasibility/", views.state_unfeasibility, name="state_unfeasibility"),
    path("<uuid:public_id>/holds/", views.place_hold, name="place_hold"),
    path("<uuid:public_id>/holds/<uuid:hold_id>/release/", views.release_hold, name="release_hold"),
    path("<uuid:public_id>/deletion/start/", views.start_deletion, name="start_deletion"),
    path("<uuid:public_id>/deletion/retry/", views.retry_deletion, name="retry_deletion"),
    path("<uuid:public_id>/countersign/", views.countersign, name="countersign"),
    path("<uuid:public_id>/certificate/", views.certificate_download, name="certificate"),
]
