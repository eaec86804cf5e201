"""The register, with the demo provider's statements, holds every table of its Data Act
appendix (tests/exports/fixtures/data_act_appendix.json): each category with where it is
stored, its formats, its methods with their default format and its difficulty; every switching
row, available or not; every excluded category; the measures against governmental access; the
custom exports; and the analytical reports, a derived category exported as JSON by the API."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from exports.builtin_source.models import JourneyEvent, VisitorProfile
from exports.models import ExportJob
from exports.register import build_register, json_schema
from exports.sources import get_category
from exports.sources.base import DataSubject, RowFilter
from exports.statements_demo import seed as seed_statements
from tests.exports.test_export_api import bearer, body, post, problem
from trustcentre.accounts.api_keys import api_key_create
from trustcentre.content.demo import CONTROLS
from trustcentre.content.models import Control, ControlGroup

APPENDIX = json.loads(
    (Path(__file__).parent / "fixtures" / "data_act_appendix.json").read_text(encoding="utf-8")
)


def seed_controls():
    for g_order, (slug, name, description, controls) in enumerate(CONTROLS):
        group = ControlGroup.objects.create(
            slug=slug, name=name, description=description, order=g_order
        )
        for order, (title, text) in enumerate(controls):
            Control.objects.create(group=group, title=title, description=text, order=order)


@pytest.fixture
def demo_register(db):
    seed_controls()
    seed_statements(io.StringIO())
    return build_register()


def test_every_category_of_the_appendix_with_location_formats_methods_and_difficulty(
    demo_register,
):
    by_id = {entry["id"]: entry for entry in demo_register["categories"]}
    assert list(by_id) == [row["id"] for row in APPENDIX["categories"]]
    for row in APPENDIX["categories"]:
        entry = by_id[row["id"]]
        assert entry["name"] == row["name"]
        assert entry["location"] == APPENDIX["location"]
        assert entry["formats"] == row["formats"]
        assert {m["method"]: m["default_format"] for m in entry["methods"]} == row["methods"]
        assert all(m["formats"] == row["formats"] for m in entry["methods"])
        assert entry["difficulty"]["level"] == row["difficulty"]
        assert entry["difficulty"]["note"]
        assert entry["derived"] is row.get("derived", False)
        for standard in row.get("standards", ()):
            assert standard in {field["standard"] for field in entry["fields"]}
    assert {m["id"]: m["default_format"] for m in demo_register["methods"]} == {
        "ui": "csv",
        "api": "json",
    }


def test_every_switching_row_including_the_unavailable_ones(demo_register):
    rows = demo_register["switching"]["methods"]
    assert [{"method": r["method"], "available": r["available"]} for r in rows] == APPENDIX[
        "switching"
    ]
    (between_providers,) = [r for r in rows if r["method"] == "provider_to_provider"]
    assert between_providers["name"] == "Migration between other providers"
    assert between_providers["notes"] and between_providers["limitations"]


def test_every_excluded_category_with_its_justification(demo_register):
    excluded = demo_register["excluded_categories"]
    assert [row["id"] for row in excluded] == APPENDIX["excluded_categories"]
    assert all(row["name"] and row["description"] and row["justification"] for row in excluded)


def test_the_government_access_measures_linked_to_controls(demo_register):
    expected = APPENDIX["government_access_measures"]
    measures = demo_register["government_access_measures"]
    assert len(measures) == expected["count"]
    titles = [measure["title"] for measure in measures]
    assert set(expected["include"]) <= set(titles)
    assert all(measure["description"] for measure in measures)
    by_title = {measure["title"]: measure for measure in measures}
    for title, control_title in expected["linked_to_controls"].items():
        control = Control.objects.get(title=control_title)
        assert by_title[title]["control"]["id"] == str(control.public_id)
        assert by_title[title]["control"]["title"] == control_title
    assert by_title["Storage in the EU only"]["control"] is None


def test_custom_exports_and_the_support_route_and_the_first_version(demo_register):
    custom = demo_register["custom_exports"]
    assert "individual pricing" in custom["statement"]
    assert custom["support_route"] and custom["support_email"]
    assert demo_register["version"] == 1
    assert demo_register["updated_at"] == demo_register["versions"][0]["published_at"]


def test_the_public_page_shows_the_appendix(client, demo_register):
    html = client.get("/data-act/").content.decode()
    assert 'id="switching-method-provider_to_provider"' in html
    assert "Migration between other providers" in html
    assert html.count('id="measure-') == APPENDIX["government_access_measures"]["count"]
    assert "Trust centre control:" in html
    assert "individual pricing" in html
    assert "Falkenstein and Nuremberg, Germany" in html
    assert 'id="category-analytical_reports"' in html
    assert "REST API: JSON (default JSON)" in html
    assert "Portal: CSV, JSON, XLSX (default CSV)" in html
    assert 'id="register-version"' in html and 'id="version-1"' in html


# The derived category -------------------------------------------------------------------


def events(tenant_id, profile, day, kinds):
    for hour, (kind, seconds) in enumerate(kinds):
        moment = f"2026-03-{day:02d}T{10 + hour:02d}:00:00Z"
        JourneyEvent.objects.create(
            tenant_id=tenant_id,
            profile_id=profile.profile_id,
            occurred_at=moment,
            event_type=kind,
            page_url="https://www.acme.example/",
            duration_seconds=seconds,
            created_at=moment,
        )


def profile_of(tenant_id):
    return VisitorProfile.objects.create(
        tenant_id=tenant_id,
        first_seen_at="2026-03-01T00:00:00Z",
        last_seen_at="2026-03-02T00:00:00Z",
        device_type="desktop",
        browser_family="",
        created_at="2026-03-01T00:00:00Z",
    )


def test_analytical_reports_sum_up_each_profiles_day(org_a, org_b):
    profile = profile_of(org_a.tenant_id)
    events(
        org_a.tenant_id,
        profile,
        1,
        [("page_view", 30), ("page_view", None), ("form_submit", 5), ("download", None)],
    )
    events(org_a.tenant_id, profile, 2, [("video_play", 120)])
    events(org_b.tenant_id, profile_of(org_b.tenant_id), 1, [("page_view", 1)])
    source, category = get_category("analytical_reports")
    row_filter = RowFilter(tenant_id=org_a.tenant_id)

    rows = list(source.iter_rows(category_id="analytical_reports", row_filter=row_filter))

    assert source.count(category_id="analytical_reports", row_filter=row_filter) == 2
    first, second = rows
    assert first["profile_id"] == second["profile_id"] == profile.profile_id
    assert (first["day"].isoformat(), second["day"].isoformat()) == ("2026-03-01", "2026-03-02")
    assert (
        first["events"],
        first["page_views"],
        first["forms_submitted"],
        first["downloads"],
        first["videos_played"],
        first["time_spent_seconds"],
    ) == (4, 2, 1, 1, 0, 35)
    assert (second["videos_played"], second["time_spent_seconds"]) == (1, 120)
    assert first["report_id"] != second["report_id"]
    again = list(source.iter_rows(category_id="analytical_reports", row_filter=row_filter))
    assert [row["report_id"] for row in again] == [row["report_id"] for row in rows]
    # Nothing of its own to erase: it goes with the events.
    assert source.delete_batch(category_id="analytical_reports", row_filter=row_filter) == 0
    # A data subject gets only their own days.
    subject = RowFilter(tenant_id=org_a.tenant_id, subject=DataSubject(email="nobody@example.org"))
    assert source.count(category_id="analytical_reports", row_filter=subject) == 0


def test_the_api_exports_analytical_reports_as_json_by_default(
    client, org_a, admin_a, customer_data, export_storage, django_capture_on_commit_callbacks
):
    key = api_key_create(organisation=org_a, name="BI", created_by=admin_a)[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, key, {"categories": ["analytical_reports"]})
    assert response.status_code == 202, response.content
    job = ExportJob.objects.get()
    data = client.get(f"/api/v1/exports/{job.public_id}/", **bearer(key)).json()
    assert data["status"] == "completed" and data["format"] == "json"
    assert [f["name"] for f in data["files"]] == ["analytical_reports.json"]
    archive = client.get(data["download_url"], **bearer(key), HTTP_ACCEPT="application/zip")
    with zipfile.ZipFile(io.BytesIO(body(archive))) as opened:
        rows = json.loads(opened.read("analytical_reports.json"))
    _source, category = get_category("analytical_reports")
    check = Draft202012Validator(
        json_schema(category), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    assert rows and all(not list(check.iter_errors(row)) for row in rows)
    assert sum(row["events"] for row in rows) == customer_data.journey_insights


def test_analytical_reports_are_refused_in_csv_and_not_offered_in_the_portal(
    client, org_a, admin_a, django_capture_on_commit_callbacks
):
    key = api_key_create(organisation=org_a, name="BI", created_by=admin_a)[1]
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, key, {"categories": ["analytical_reports"], "format": "csv"})
    detail = problem(response, 400)
    assert "Analytical reports can be exported as json through the API only" in json.dumps(detail)
    assert not ExportJob.objects.exists()

    from exports.forms import ExportRequestForm

    form = ExportRequestForm()
    assert "analytical_reports" not in dict(form.fields["categories"].choices)
    assert form.fields["format"].initial == "csv"
