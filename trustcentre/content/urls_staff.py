from django.urls import path  # noqa: F401

app_name = "content_staff"

urlpatterns: list = []
