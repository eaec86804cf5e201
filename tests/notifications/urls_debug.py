"""The site's URLs as they are with DEBUG on (trustcentre/urls.py decides that at import)."""

from django.urls import include, path

from trustcentre.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("dev/mail/", include("trustcentre.notifications.dev_urls"))]
