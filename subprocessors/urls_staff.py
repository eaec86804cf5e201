from django.urls import path  # noqa: F401

app_name = "subprocessors_staff"

urlpatterns: list = []
