"""The Data Act register: generated from the sources and settings, a valid JSON Schema (draft
2020-12) per category that every exported row satisfies, the public page and the public API."""

import json
import re

import pytest
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator

from exports.api_register import RegisterSerializer
from exports.formats import json_record
from exports.register import build_register, json_schema
from exports.sources import exportable_categories, get_category
from exports.sources.base import RowFilter

STORED_IDS = ["leads", "visitor_profiles", "journey_insights", "organisation_profiles"]
CATEGORY_IDS = [*STORED_IDS, "analytical_reports"]
EXCLUDED = {
    "internal_architecture",
    "proprietary_algorithms_and_models",
    "internal_monitoring_tools",
    "internal_security_processes",
}


def validator(category):
    schema = json_schema(category)
    Draft202012Validator.check_schema(schema)  # raises on an invalid schema
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("category_id", STORED_IDS)
def test_every_row_validates_against_its_categorys_json_schema(customer_data, org_a, category_id):
    source, category = get_category(category_id)
    check = validator(category)
    rows = 0
    for row in source.iter_rows(
        category_id=category_id, row_filter=RowFilter(tenant_id=org_a.tenant_id)
    ):
        # As the JSON writer writes it: through exports.formats, then JSON text and back.
        document = json.loads(json.dumps(json_record(row, category.fields)))
        errors = [error.message for error in check.iter_errors(document)]
        assert not errors, (row, errors)
        rows += 1
    assert rows == getattr(customer_data, category_id) > 0


def test_the_schemas_refuse_what_is_not_a_row(customer_data, org_a):
    source, category = get_category("leads")
    check = validator(category)
    row = json_record(
        next(
            source.iter_rows(category_id="leads", row_filter=RowFilter(tenant_id=org_a.tenant_id))
        ),
        category.fields,
    )
    bad_values = {
        "contact_id": "not-a-uuid",
        "phone": "030 1234567",
        "country": "de",
        "created_at": "2026-01-01 10:00:00",
        "consent_marketing": "yes",
        "lead_score": "12",
        "first_name": None,  # not nullable
    }
    for name, value in bad_values.items():
        assert not check.is_valid({**row, name: value}), name
    assert not check.is_valid({**row, "unexpected": 1})
    assert not check.is_valid({key: value for key, value in row.items() if key != "email"})
    assert check.is_valid({**row, "email": None, "phone": None})


def test_the_schema_is_draft_2020_12_with_standard_formats_and_patterns():
    schema = json_schema(get_category("leads")[1])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    properties = schema["properties"]
    assert properties["contact_id"] == {
        **properties["contact_id"],
        "type": "string",
        "format": "uuid",
    }
    assert (
        properties["email"]["type"] == ["string", "null"]
        and properties["email"]["format"] == "email"
    )
    assert properties["phone"]["pattern"] == r"^\+[1-9][0-9]{1,14}$"
    assert properties["country"]["pattern"] == "^[A-Z]{2}$"
    assert (
        properties["created_at"]["format"] == "date-time"
        and properties["created_at"]["type"] == "string"
    )
    assert properties["consent_marketing"]["type"] == "boolean"
    assert properties["lead_score"]["type"] == "integer"
    assert schema["required"] == get_category("leads")[1].field_names
    events = json_schema(get_category("journey_insights")[1])["properties"]
    assert "page_view" in events["event_type"]["enum"]


# Leads and visitor profiles: 1.1 added the rights-request flags (processing_restricted,
# objected_to_processing, suppressed), 1.2 the opt-out of sale or sharing.
SCHEMA_VERSIONS = {
    "leads": "1.2",
    "visitor_profiles": "1.2",
    "journey_insights": "1.0",
    "organisation_profiles": "1.0",
    "analytical_reports": "1.0",
}


def test_the_register_is_built_from_the_sources_and_settings(settings, db):
    settings.EXPORT_MAX_FILE_BYTES = 123_456_789
    settings.EXPORT_MAX_PERIOD_DAYS = 90
    settings.API_RATE_LIMIT_PER_MINUTE = 500
    register = build_register()
    assert (
        [category["id"] for category in register["categories"]]
        == [c.id for c in exportable_categories()]
        == CATEGORY_IDS
    )
    for entry, category in zip(register["categories"], exportable_categories(), strict=True):
        assert [field["name"] for field in entry["fields"]] == category.field_names
        assert entry["json_schema"] == json_schema(category)
        assert entry["migration_difficulty"]["level"] in {"easy", "medium", "hard"}
        assert entry["migration_difficulty"]["notes"]
        assert entry["schema_version"] == SCHEMA_VERSIONS[category.id]
    assert register["limits"]["max_file_bytes"] == 123_456_789
    assert register["limits"]["max_period_days"] == 90
    assert register["limits"]["api_requests_per_minute"] == 500
    assert register["limits"]["archive_retention_days"] == settings.EXPORT_RETENTION_DAYS
    assert {item["id"] for item in register["excluded_categories"]} == EXCLUDED
    assert all(item["justification"] for item in register["excluded_categories"])
    assert [item["id"] for item in register["formats"]] == ["csv", "json", "xlsx"]
    assert {item["id"] for item in register["methods"]} == {"ui", "api"}
    assert register["switching"]["periods"] == {
        "notice_max_months": 2,
        "transition_max_days": 30,
        "unfeasibility_notice_working_days": 14,
        "transition_unfeasible_max_months": 7,
        "retrieval_min_days": 30,
    }
    standards = {item["id"] for item in register["standards"]}
    assert {
        "ISO 8601",
        "RFC 4122",
        "ISO 3166-1 alpha-2",
        "RFC 5322",
        "E.164",
        "RFC 4180",
    } <= standards
    assert "formula" in register["fidelity"] and "byte-faithful" in register["fidelity"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", register["generated_at"])


def test_the_api_gives_the_register_to_anyone(client, db):
    response = client.get("/api/v1/data-act/register/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert [category["id"] for category in body["categories"]] == CATEGORY_IDS
    for category in body["categories"]:
        assert category["json_schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(category["json_schema"])
    assert {item["id"] for item in body["excluded_categories"]} == EXCLUDED
    assert body["switching"]["periods"]["retrieval_min_days"] == 30
    assert body["json_url"].endswith("/api/v1/data-act/register/")


def test_the_api_returns_everything_build_register_has(db):
    """The serializers document the response and shape it: nothing may be lost between them."""
    register = json.loads(json.dumps(build_register()))
    serialized = json.loads(json.dumps(RegisterSerializer(register).data))
    register.pop("generated_at"), serialized.pop("generated_at")
    assert serialized == register


def test_the_api_is_documented_in_the_openapi_schema_as_public(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    validate_schema(schema)
    operation = schema["paths"]["/api/v1/data-act/register/"]["get"]
    assert {"401", "403", "429"}.isdisjoint(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/DataActRegister"
    )
    assert operation.get("security") in (None, [], [{}])
    assert "DataActCategory" in schema["components"]["schemas"]


def test_the_public_page_shows_every_category_field_and_rule(client, db):
    response = client.get("/data-act/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "exports/register.html" in [template.name for template in response.templates]
    assert html.count("<h1") == 1
    for category in exportable_categories():
        assert f'id="category-{category.id}"' in html
        assert f"/data-act/schemas/{category.id}.json" in html
        for field in category.fields:
            assert f"<code>{field.name}</code>" in html
    for excluded in EXCLUDED:
        assert f'id="excluded-{excluded}"' in html
    for text in (
        "RFC 4180",
        "ISO 8601",
        "E.164",
        "2 months",
        "30 calendar days",
        "7 months",
        "500 per minute",
        "2.0\xa0GB",
        "366 days",
        "7 days",
        "/api/v1/data-act/register/",
        "/portal/exports/",
        "never as a formula",
    ):
        assert text in html, text
    # No inline style or code (the layout's scripts are files of their own, under the CSP).
    assert "style=" not in html
    assert re.findall(r"<script(?![^>]*\ssrc=)", html) == []
    # The register is in the main navigation for everyone.
    assert '<a href="/data-act/" aria-current="page">' in html


@pytest.mark.parametrize("category_id", CATEGORY_IDS)
def test_each_schema_is_a_file_of_its_own(client, settings, db, category_id):
    response = client.get(f"/data-act/schemas/{category_id}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    schema = response.json()
    assert schema == json_schema(get_category(category_id)[1])
    assert schema["$id"] == f"{settings.SITE_URL}/data-act/schemas/{category_id}.json"


def test_an_unknown_schema_is_404(client, db):
    assert client.get("/data-act/schemas/audit_log.json").status_code == 404
