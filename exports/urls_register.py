"""/data-act/: the public register of exportable data and each category's JSON Schema."""

from django.urls import path

from exports import views_register

app_name = "data_act"

urlpatterns = [
    path("", views_register.register_page, name="register"),
    path("schemas/<slug:category_id>.json", views_register.category_schema, name="schema"),
]
