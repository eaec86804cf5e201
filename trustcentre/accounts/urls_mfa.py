"""Second-factor pages, mounted at /accounts/ in front of django-allauth's own URLs."""

from django.urls import path

from trustcentre.accounts import views_mfa

app_name = "mfa"

urlpatterns = [
    path("2fa/setup/", views_mfa.setup, name="setup"),
    path("2fa/verify/", views_mfa.verify, name="verify"),
    path("2fa/backup-codes/", views_mfa.backup_codes, name="backup_codes"),
    path("2fa/devices/remove/", views_mfa.remove_device, name="remove_device"),
    path("security/", views_mfa.security, name="security"),
]
