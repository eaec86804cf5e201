"""Public pages under /subprocessors/."""

from django.urls import path

from subprocessors import views_public as views
from trustcentre.pages.public_cache import public_page

app_name = "subprocessors"

urlpatterns = [
    path("", views.subprocessor_list, name="list"),
    path("feed.atom", public_page(views.NoticeFeed()), name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("changes/", views.notice_list, name="notices"),
    path("changes/<uuid:public_id>/", views.notice_detail, name="notice"),
    path("changes/<uuid:public_id>/deadline.ics", views.notice_ics, name="notice_ics"),
    path("versions/", views.version_list, name="versions"),
    path("versions/compare/", views.version_compare, name="compare"),
    path("versions/<int:number>/", views.version_detail, name="version"),
]
