"""Legal's workbench, included under /staff/."""

from django.urls import path

from subprocessors import views_assessments
from subprocessors import views_staff as views

app_name = "subprocessors_staff"

urlpatterns = [
    path("subprocessors/", views.home, name="home"),
    path("subprocessors/register/", views.register, name="register"),
    path("subprocessors/register/new/", views.subprocessor_new, name="subprocessor_new"),
    path("subprocessors/register/<uuid:public_id>/", views.subprocessor_edit, name="subprocessor"),
    path(
        "subprocessors/register/<uuid:public_id>/assessments/",
        views_assessments.assessment_list,
        name="assessments",
    ),
    path(
        "subprocessors/register/<uuid:public_id>/assessments/new/",
        views_assessments.assessment_new,
        name="assessment_new",
    ),
    path(
        "subprocessors/assessments/<uuid:public_id>/",
        views_assessments.assessment_detail,
        name="assessment",
    ),
    path(
        "subprocessors/assessments/<uuid:public_id>/delete/",
        views_assessments.assessment_delete,
        name="assessment_delete",
    ),
    path(
        "subprocessors/assessments/evidence/<str:token>/",
        views_assessments.evidence_download,
        name="assessment_evidence",
    ),
    path("subprocessors/notices/new/", views.notice_new, name="notice_new"),
    path("subprocessors/notices/<uuid:public_id>/", views.notice_detail, name="notice"),
    path(
        "subprocessors/notices/<uuid:public_id>/announce/",
        views.notice_announce,
        name="notice_announce",
    ),
    path(
        "subprocessors/notices/<uuid:public_id>/withdraw/",
        views.notice_withdraw,
        name="notice_withdraw",
    ),
    path(
        "subprocessors/notices/<uuid:public_id>/proceed/",
        views.notice_proceed,
        name="notice_proceed",
    ),
    path(
        "subprocessors/objections/<uuid:public_id>/reply/",
        views.objection_reply,
        name="objection_reply",
    ),
    path(
        "subprocessors/objections/<uuid:public_id>/resolve/",
        views.objection_resolve,
        name="objection_resolve",
    ),
]
