from django.urls import path  # noqa: F401

app_name = "rights_requests_staff"

urlpatterns: list = []
