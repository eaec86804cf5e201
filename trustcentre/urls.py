from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from trustcentre.pages.views import healthz

# The admin signs in through allauth (rate limits, MFA), never through its own form.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = f"{settings.PROVIDER_NAME} Trust Centre administration"

urlpatterns = [
    path("", include("trustcentre.pages.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("trustcentre.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]
