from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from trustcentre.accounts.oauth import ApiClientTokenView
from trustcentre.content.views import security_txt
from trustcentre.lib.api_docs import ApiDocsView
from trustcentre.pages.status import service_status
from trustcentre.pages.views import healthz
from trustcentre.sso import views as sso_views

# The admin signs in through allauth (rate limits, MFA), never through its own form.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = f"{settings.PROVIDER_NAME} Trust Centre administration"

urlpatterns = [
    path("", include("trustcentre.pages.urls")),
    path("documents/", include("trustcentre.documents.urls")),
    path("subprocessors/", include("subprocessors.urls")),
    path("privacy/requests/", include("rights_requests.urls")),
    path("healthz", healthz, name="healthz"),
    path("status/", service_status, name="service_status"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("data-act/", include("exports.urls_register")),
    path("retention/", include("retention.urls")),
    # Our second-factor pages (django-otp) first, so allauth never shadows them.
    path("accounts/", include("trustcentre.accounts.urls_mfa")),
    path("accounts/sso/", include("trustcentre.sso.urls")),
    # Before allauth's routes, which would otherwise serve the same providers unhardened.
    path("accounts/oidc/<str:provider_id>/login/", sso_views.allauth_oidc_closed),
    path("accounts/oidc/<str:provider_id>/login/callback/", sso_views.allauth_oidc_closed),
    path("accounts/", include("allauth.urls")),
    path("portal/exports/", include("exports.urls")),
    path("portal/leaving/", include("exports.end_of_contract.urls_portal")),
    path("portal/rights-requests/", include("rights_requests.urls_portal")),
    path("portal/dpa/", include("dpa.urls_portal")),
    path("portal/security-notices/", include("dpa.breaches.urls_portal")),
    path("portal/audits/", include("dpa.audits.urls_portal")),
    path("portal/", include("trustcentre.documents.urls_portal")),
    path("portal/", include("subprocessors.urls_portal")),
    # Before every other "portal/" include: its organisations/<slug>/api-keys/ pages.
    path("portal/", include("trustcentre.accounts.urls_api_keys")),
    path("portal/", include("trustcentre.accounts.urls_api_clients")),
    path("portal/messages/", include("trustcentre.notifications.urls")),
    path("portal/", include("trustcentre.accounts.urls")),
    path("staff/organisations/", include("trustcentre.accounts.staff_urls")),
    path("staff/audit/", include("trustcentre.audit.urls")),
    path("staff/", include("trustcentre.content.urls_staff")),
    path("staff/", include("trustcentre.documents.urls_staff")),
    path("staff/", include("subprocessors.urls_staff")),
    path("staff/", include("rights_requests.urls_staff")),
    path("staff/end-of-contract/", include("exports.end_of_contract.urls_staff")),
    path("staff/dpa/", include("dpa.urls_staff")),
    path("staff/data-act/", include("exports.statements_urls")),
    path("staff/incidents/", include("dpa.breaches.urls_staff")),
    path("staff/audits/", include("dpa.audits.urls_staff")),
    path("staff/sso/", include("trustcentre.sso.urls_staff")),
    path("staff/", include("retention.urls_staff")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("trustcentre.api")),
    # OAuth 2.0 token endpoint of the API clients (client-credentials grant only).
    path("oauth/token/", ApiClientTokenView.as_view(), name="oauth_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Problem details (RFC 9457) under /api/, the site's pages elsewhere.
handler400 = "trustcentre.lib.api.bad_request"
handler404 = "trustcentre.lib.api.page_not_found"
handler500 = "trustcentre.lib.api.server_error"

if settings.DEBUG:
    # Every outbox message as it was sent; never routed in production.
    urlpatterns += [path("dev/mail/", include("trustcentre.notifications.dev_urls"))]
