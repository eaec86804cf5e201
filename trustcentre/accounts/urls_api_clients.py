from django.urls import path

from trustcentre.accounts import views_api_clients

app_name = "api_clients"

urlpatterns = [
    path("organisations/<slug:slug>/api-clients/", views_api_clients.api_client_list, name="list"),
    path(
        "organisations/<slug:slug>/api-clients/<uuid:public_id>/revoke/",
        views_api_clients.api_client_revoke,
        name="revoke",
    ),
    path(
        "organisations/<slug:slug>/api-clients/<uuid:public_id>/revoke-tokens/",
        views_api_clients.api_client_revoke,
        {"tokens_only": True},
        name="revoke_tokens",
    ),
]
