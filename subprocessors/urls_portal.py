from django.urls import path  # noqa: F401

app_name = "subprocessors_portal"

urlpatterns: list = []
