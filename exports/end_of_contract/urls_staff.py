from django.urls import path  # noqa: F401

app_name = "end_of_contract_staff"

urlpatterns: list = []
