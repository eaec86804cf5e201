from django.urls import path

from trustcentre.accounts import views_api_keys

app_name = "api_keys"

urlpatterns = [
    path("organisations/<slug:slug>/api-keys/", views_api_keys.api_key_list, name="list"),
    path(
        "organisations/<slug:slug>/api-keys/<uuid:public_id>/revoke/",
        views_api_keys.api_key_revoke,
        name="revoke",
    ),
]
