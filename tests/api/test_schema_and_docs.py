"""/api/schema/ is a valid OpenAPI 3 document that documents the bearer key; /api/docs/ is
Swagger UI served from our own static files, under our CSP."""

import re

from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

JSON = {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"}


def test_the_schema_is_valid_openapi_3_with_the_bearer_scheme(client, db):
    response = client.get("/api/schema/", **JSON)
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["apiKey"]["type"] == "http"
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"

    organisation = schema["paths"]["/api/v1/organisation/"]["get"]
    # A key, or an API client's access token with the read scope.
    assert organisation["security"] == [{"apiKey": []}, {"oauth2": ["read"]}]
    members = schema["paths"]["/api/v1/organisation/members/"]["get"]
    assert members["security"] == [{"apiKey": []}, {"oauth2": ["read"]}]
    assert {"cursor", "page_size"} <= {parameter["name"] for parameter in members["parameters"]}


def test_the_schema_documents_problem_responses(client, db):
    schema = client.get("/api/schema/", **JSON).json()
    responses = schema["paths"]["/api/v1/organisation/"]["get"]["responses"]
    for status in ("401", "429"):
        assert "application/problem+json" in responses[status]["content"]
    assert "Retry-After" in responses["429"]["headers"]
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {
        "type",
        "title",
        "status",
        "detail",
    }


def test_the_schema_is_also_served_as_yaml(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3." in response.content


def test_the_docs_page_loads_everything_from_this_site(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()

    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert len(scripts) == 3
    for attributes, body in scripts:
        assert body.strip() == "", "no inline script"
        source = re.search(r'src="([^"]+)"', attributes).group(1)
        assert source.startswith(("/static/", "/api/docs/?")), source
    assert "<style" not in html and "style=" not in html

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_docs_assets_exist(client, db):
    html = client.get("/api/docs/").content.decode()
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(asset), asset

    script_url = re.search(r'src="(/api/docs/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    body = script.content.decode()
    assert "SwaggerUIBundle(" in body
    assert "/api/schema/" in body
    assert '"validatorUrl": null' in body  # no request to validator.swagger.io
