from django.urls import path

from dpa.breaches import views_portal

app_name = "breaches_portal"

urlpatterns = [
    path("", views_portal.notice_list, name="notice_list"),
    path("<uuid:public_id>/", views_portal.notice_detail, name="notice_detail"),
    path("<uuid:public_id>/acknowledge/", views_portal.notice_acknowledge, name="acknowledge"),
    path(
        "<uuid:public_id>/follow-ups/<int:number>/acknowledge/",
        views_portal.follow_up_acknowledge,
        name="follow_up_acknowledge",
    ),
]
