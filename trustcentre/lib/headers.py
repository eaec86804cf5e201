"""Response headers Django does not set itself, and HTTPS for the API."""

from django.conf import settings
from django.utils.translation import gettext

from trustcentre.lib.api import problem_response


class CrossOriginResourcePolicyMiddleware:
    """`Cross-Origin-Resource-Policy: same-origin` on every response (ARCHITECTURE.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


class ApiRequiresHttpsMiddleware:
    """Where the site runs on HTTPS, an API request over plain HTTP is refused (ASVS V4.1.2):
    a redirect would teach clients to send their key in the clear first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.SECURE_SSL_REDIRECT
            and request.path.startswith(("/api/", "/oauth/"))
            and not request.is_secure()
        ):
            return problem_response(
                403,
                gettext("The API is only served over HTTPS."),
                title=gettext("HTTPS required"),
            )
        return self.get_response(request)
