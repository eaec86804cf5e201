"""The return from an organisation's identity provider (the redirect URI it is given)."""

from django.urls import path

from trustcentre.sso import views

app_name = "sso"

urlpatterns = [
    path("<slug:provider_id>/callback/", views.callback, name="callback"),
]
