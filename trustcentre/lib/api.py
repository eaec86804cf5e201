"""Shared pieces of the REST API: cursor pagination and RFC 9457 problem details (for DRF's
errors and for Django's 404 and 500 under /api/). The schema side is in api_schema.py: this
module is DRF's pagination setting, imported while DRF itself loads, so it imports little."""

from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


class CursorPagination(BaseCursorPagination):
    """Cursor pages stay correct while rows are added, and cost the same on page 1 and page
    1000. Views order by a field that never changes once set (set `ordering`); the cursor
    encodes that field's value, so it is never a sequential id."""

    ordering = "-created_at"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """A page size that is not a whole number from 1 up is refused with a 404, as DRF
        answers an invalid page or cursor (documented for every list), instead of being
        silently replaced by the default; above the maximum, the maximum."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.NotFound(
                gettext("Invalid page size: give a whole number from 1 to %(maximum)d.")
                % {"maximum": self.max_page_size}
            )
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


# Problem types with a meaning of their own; every other error is "about:blank" with the HTTP
# status as its title (RFC 9457 section 4.2.1). Keyed by DRF's error code.
PROBLEM_TYPES = {
    "validation_error": ("validation-error", _("Your request has invalid fields.")),
    "not_authenticated": ("not-authenticated", _("Authentication required")),
    "malformed_api_key": ("malformed-api-key", _("Malformed API key")),
    "invalid_api_key": ("invalid-api-key", _("Invalid API key")),
    "api_key_revoked": ("api-key-revoked", _("API key revoked")),
    "malformed_access_token": ("malformed-access-token", _("Malformed access token")),
    "invalid_access_token": ("invalid-access-token", _("Invalid access token")),
    "access_token_expired": ("access-token-expired", _("Access token expired")),
    "api_client_revoked": ("api-client-revoked", _("API client revoked")),
    "insufficient_scope": ("insufficient-scope", _("Insufficient scope")),
    "authentication_failed": ("authentication-failed", _("Authentication failed")),
    "permission_denied": ("permission-denied", _("Permission denied")),
    "throttled": ("rate-limited", _("Too many requests")),
}

STATUS_TITLES = {
    400: _("Bad Request"),
    401: _("Unauthorized"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    406: _("Not Acceptable"),
    409: _("Conflict"),
    415: _("Unsupported Media Type"),
    422: _("Unprocessable Content"),
    429: _("Too Many Requests"),
    500: _("Internal Server Error"),
}


def problem_type_url(slug: str) -> str:
    return f"{settings.SITE_URL}/api/problems/{slug}"


def problem(
    status: int, detail: str, *, code: str | None = None, title: str | None = None, **members
) -> dict:
    """An RFC 9457 problem document: the one way every part of the portal builds one. `code`
    names a documented problem type; `title` overrides the status's title."""
    if code in PROBLEM_TYPES:
        slug, type_title = PROBLEM_TYPES[code]
        type_ = problem_type_url(slug)
    else:
        type_ = "about:blank"
        type_title = STATUS_TITLES.get(status) or HTTPStatus(status).phrase
    body = {"type": type_, "title": str(title or type_title), "status": status}
    return {**body, "detail": str(detail), **members}


def _error_code(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        return exc.default_code
    return getattr(detail, "code", None) or exc.default_code


def problem_details_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: DRF's response (status and headers such as Retry-After and
    WWW-Authenticate kept), its body replaced by a problem document."""
    if isinstance(exc, Http404):
        # Django's message names the model ("No Organisation matches ..."); say less.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        # A service refused the input: the same 400 as a serializer's.
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        exc = exceptions.ValidationError(
            {
                ("non_field_errors" if field == "__all__" else field): value
                for field, value in messages.items()
            }
        )
    response = exception_handler(exc, context)
    if response is None:
        return None  # Django's handler500 answers, with a problem document under /api/.
    if isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        body = problem(
            response.status_code,
            gettext("The request has invalid fields; see errors for each field."),
            code="validation_error",
            errors=errors,
        )
    else:
        body = problem(response.status_code, exc.detail, code=_error_code(exc))
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(status: int, detail: str, **members) -> JsonResponse:
    """A problem document as a plain Django response (middleware, error handlers)."""
    return JsonResponse(
        problem(status, detail, **members), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def problem_api_response(status: int, detail: str, **members) -> Response:
    """A problem document as a DRF response (API views, rendered by DRF like their other
    answers)."""
    return Response(
        problem(status, detail, **members), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    """handler404: a problem document for API clients, the site's page for browsers."""
    if _is_api(request):
        return problem_response(404, gettext("There is nothing at this address."))
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: no detail about the failure, whoever asks; it is in the server's log."""
    if _is_api(request):
        return problem_response(
            500, gettext("Something went wrong on our side. Please try again later.")
        )
    return defaults.server_error(request)


def bad_request(request, exception):
    """handler400: a problem document for API clients, the site's page for browsers. It runs
    for requests refused before any middleware finished (an unknown Host), so it reads nothing
    but the path."""
    if _is_api(request):
        return problem_response(400, gettext("The request could not be understood."))
    return defaults.bad_request(request, exception)
