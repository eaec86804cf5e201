"""A late objection is refused with the deadline: the API answers 409 problem+json with its own
documented `type` and the deadline as `deadline`; the portal form names the deadline as the
page does, in the provider's zone, whatever the viewer's own; nothing is saved."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from subprocessors import services
from subprocessors.models import Objection
from tests.api.conftest import bearer, is_problem
from tests.conftest import login_with_second_factor
from tests.subprocessors.conftest import earliest_effective
from trustcentre.accounts.api_keys import api_key_create

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
JSON = {"HTTP_ACCEPT": "application/vnd.oai.openapi+json"}


def deadline_in_words(deadline):
    return date_format(deadline.astimezone(BERLIN), "j M Y, H:i T")


def test_the_api_answers_409_with_a_type_and_the_deadline(
    client, announced, org_a, admin_a, time_machine
):
    _, key = api_key_create(organisation=org_a, name="legal tooling", created_by=admin_a)
    row = announced.recipients.get(organisation=org_a)
    time_machine.move_to(row.objection_deadline + datetime.timedelta(minutes=1))
    response = client.post(
        f"/api/v1/subprocessors/changes/{announced.public_id}/objections/",
        {"grounds": "Late"},
        content_type="application/json",
        **bearer(key),
    )
    body = is_problem(response, 409)
    assert response["Content-Type"] == "application/problem+json"
    assert body["type"] != "about:blank"
    assert body["type"].endswith("/api/problems/objection-too-late")
    assert body["title"] == "Objection too late"
    assert datetime.datetime.fromisoformat(body["deadline"]) == row.objection_deadline
    assert deadline_in_words(row.objection_deadline) in body["detail"]
    assert ", 23:59 " in body["detail"]
    assert not Objection.objects.exists()


def test_the_schema_documents_the_late_objection(client, db):
    schema = client.get("/api/schema/", **JSON).json()
    operation = schema["paths"]["/api/v1/subprocessors/changes/{public_id}/objections/"]["post"]
    conflict = operation["responses"]["409"]
    assert "objection-too-late" in conflict["description"]
    ref = conflict["content"]["application/problem+json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert properties["deadline"]["format"] == "date-time"
    assert "objection-too-late" in properties["type"]["description"]


@pytest.fixture
def closed(draft, legal_user, org_a, admin_a, committed):
    """A change announced 35 days ago: the 30-day window is over, the date may not be."""
    past = timezone.now() - datetime.timedelta(days=35)
    with committed():
        return services.notice_announce(
            notice=draft, effective_date=earliest_effective(past), user=legal_user, now=past
        )


def test_the_portal_form_names_the_deadline_and_saves_nothing(client, closed, org_a, admin_a):
    # An admin abroad who chose their own zone: the page shows the deadline on their clock,
    # labelled, and so does the refusal.
    admin_a.time_zone = "America/New_York"
    admin_a.save(update_fields=["time_zone"])
    row = closed.recipients.get(organisation=org_a)
    login_with_second_factor(client, admin_a)
    path = f"/portal/subprocessors/acme/changes/{closed.public_id}/"
    response = client.post(path, {"grounds": "We object, late."})
    assert response.status_code == 400
    text = response.content.decode()
    in_new_york = date_format(
        row.objection_deadline.astimezone(zoneinfo.ZoneInfo("America/New_York")), "j M Y, H:i T"
    )
    assert in_new_york.endswith("17:59 EST")
    assert f"closed on {in_new_york}" in text
    assert f"<strong data-deadline>{in_new_york}</strong>" in text
    assert not Objection.objects.exists()
