"""Legal's retention periods, included under /staff/."""

from django.urls import path

from retention import views

app_name = "retention_staff"

urlpatterns = [
    path("retention/", views.staff_rules, name="rules"),
    path("retention/<uuid:public_id>/", views.staff_rule_edit, name="rule"),
]
