"""The schema class of the REST API: drf-spectacular's, also documenting the problem+json
errors every operation can give. (DRF loads it while drf_spectacular.views is still being
imported, so the Swagger page's view lives in api_docs.py.)"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from trustcentre.lib.api import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document: the body of every error response."""

    type = serializers.CharField(help_text="A URL naming the kind of problem, or about:blank.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        required=False,
        help_text="Validation errors only: each field's name, with its messages.",
    )

    class Meta:
        ref_name = "Problem"


class ProblemDetailsAutoSchema(AutoSchema):
    """Documents the error responses every operation can give (as problem+json), so clients
    and schema-based tests (schemathesis, R18) know them. Explicit responses win."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        permissions = [permission.__class__ for permission in self.view.get_permissions()]
        statuses = {}
        if self.method in ("POST", "PUT", "PATCH"):
            statuses[400] = _("The request has invalid fields.")
        if self.view.get_authenticators():
            statuses[401] = _("The API key is missing, malformed, unknown or revoked.")
        if any(permission is not AllowAny for permission in permissions):
            statuses[403] = _("The caller may not do this.")
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            statuses[404] = _("No such object for this caller, or an invalid page cursor.")
        if self.view.get_throttles():
            statuses[429] = _(
                "Rate limit reached; retry after the number of seconds in Retry-After."
            )
        for status, description in statuses.items():
            if str(status) in responses:
                continue
            response = self._get_response_for_code(
                OpenApiResponse(ProblemSerializer, description=str(description)),
                str(status),
                media_types=[PROBLEM_CONTENT_TYPE],
                direction=direction,
            )
            if status == 429:
                response.setdefault("headers", {})["Retry-After"] = {
                    "schema": {"type": "integer"},
                    "description": "Seconds until the current one-minute window ends.",
                }
            responses[str(status)] = response
        return responses
