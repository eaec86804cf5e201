"""/staff/data-act/: legal's editor of the register's statements."""

from django.urls import path

from exports import statements_views as views

app_name = "data_act_staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("custom-exports/", views.custom_exports_edit, name="custom_exports"),
    path("<slug:kind>/new/", views.row_edit, name="row_create"),
    path("<slug:kind>/<uuid:public_id>/", views.row_edit, name="row_edit"),
    path("<slug:kind>/<uuid:public_id>/remove/", views.row_delete, name="row_delete"),
]
