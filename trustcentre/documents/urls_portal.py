from django.urls import path  # noqa: F401

app_name = "documents_portal"

urlpatterns: list = []
