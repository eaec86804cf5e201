from django.urls import path

from dpa.audits import views_staff

app_name = "audits_staff"

urlpatterns = [
    path("", views_staff.request_list, name="request_list"),
    path("<uuid:public_id>/", views_staff.request_detail, name="request_detail"),
    path("<uuid:public_id>/triage/", views_staff.request_triage, name="request_triage"),
    path("<uuid:public_id>/answer/", views_staff.request_answer, name="request_answer"),
    path("<uuid:public_id>/schedule/", views_staff.request_schedule, name="request_schedule"),
    path("<uuid:public_id>/messages/", views_staff.message_post, name="message_post"),
    path("<uuid:public_id>/close/", views_staff.request_close, name="request_close"),
]
