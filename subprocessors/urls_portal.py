"""Portal pages, included under /portal/."""

from django.urls import path

from subprocessors import views_portal as views

app_name = "subprocessors_portal"

urlpatterns = [
    path("subprocessors/", views.home, name="home"),
    path("subprocessors/subscriptions/", views.subscriptions, name="subscriptions"),
    path("subprocessors/<slug:slug>/", views.organisation_page, name="organisation"),
    path("subprocessors/<slug:slug>/changes/<uuid:public_id>/", views.notice_page, name="notice"),
    path(
        "subprocessors/<slug:slug>/changes/<uuid:public_id>/acknowledge/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("subprocessors/<slug:slug>/webhooks/", views.webhooks, name="webhooks"),
    path(
        "subprocessors/<slug:slug>/webhooks/<uuid:public_id>/",
        views.webhook_detail,
        name="webhook",
    ),
    path(
        "subprocessors/<slug:slug>/webhooks/<uuid:public_id>/delete/",
        views.webhook_delete,
        name="webhook_delete",
    ),
]
