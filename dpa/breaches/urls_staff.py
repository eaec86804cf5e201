from django.urls import path

from dpa.breaches import views_staff

app_name = "breaches_staff"

urlpatterns = [
    path("", views_staff.incident_list, name="incident_list"),
    path("new/", views_staff.incident_new, name="incident_new"),
    path("<uuid:public_id>/", views_staff.incident_detail, name="incident_detail"),
    path("<uuid:public_id>/edit/", views_staff.incident_edit, name="incident_edit"),
    path("<uuid:public_id>/notify/", views_staff.incident_notify, name="incident_notify"),
    path("<uuid:public_id>/follow-ups/", views_staff.incident_follow_up, name="incident_follow_up"),
    path("<uuid:public_id>/close/", views_staff.incident_close, name="incident_close"),
]
