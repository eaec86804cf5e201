"""Every operation that takes an organisation's credential names the scope an access token needs
for it, and the OpenAPI schema declares both schemes: the API key and OAuth 2.0 client
credentials with that scope per operation."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from trustcentre.accounts.api_auth import IsApiClient
from trustcentre.accounts.api_clients import ROUTE_SCOPES
from trustcentre.accounts.models import OAuthClient

METHODS = ("get", "post", "put", "patch", "delete")


def api_routes(patterns=None, namespace=""):
    """(route name, view class) of every route under the `api` namespace."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace or (entry.namespace if entry.namespace == "api" else "")
            yield from api_routes(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and namespace == "api":
            view_class = getattr(entry.callback, "view_class", None)
            if view_class is not None:
                yield entry.name, view_class


def test_every_keyed_operation_names_its_scope():
    keyed = {
        (name, method.upper())
        for name, view_class in api_routes()
        if IsApiClient in getattr(view_class, "permission_classes", ())
        for method in METHODS
        if hasattr(view_class, method)
    }

    assert keyed, "no keyed route found: the walk over the URLs is broken"
    assert keyed == set(ROUTE_SCOPES), "a keyed route is missing from ROUTE_SCOPES, or gone"
    assert set(ROUTE_SCOPES.values()) <= set(OAuthClient.Scope.values)


@pytest.fixture
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_declares_the_key_and_oauth2_client_credentials(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["apiKey"]["type"] == "http" and schemes["apiKey"]["scheme"] == "bearer"
    flow = schemes["oauth2"]["flows"]["clientCredentials"]
    assert schemes["oauth2"]["type"] == "oauth2"
    assert flow["tokenUrl"] == "/oauth/token/"
    assert set(flow["scopes"]) == {"read", "export", "objections", "rights_requests"}
    assert list(schemes["oauth2"]["flows"]) == ["clientCredentials"]


def test_each_keyed_operation_accepts_a_key_or_a_token_with_its_scope(schema):
    paths = schema["paths"]

    assert {"apiKey": []} in paths["/api/v1/exports/"]["post"]["security"]
    assert {"oauth2": ["export"]} in paths["/api/v1/exports/"]["post"]["security"]
    assert {"oauth2": ["read"]} in paths["/api/v1/organisation/"]["get"]["security"]
    objections = paths["/api/v1/subprocessors/changes/{public_id}/objections/"]["post"]
    assert {"oauth2": ["objections"]} in objections["security"]
