"""Analytics for staff: downloads and requests over time as server-rendered SVG, top documents
and organisations, median time to decision, and who downloaded a copy by its stamped id."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import login_with_second_factor
from trustcentre.content.selectors import median_decision_hours
from trustcentre.documents import services
from trustcentre.documents.models import AccessRequest, DocumentEvent

pytestmark = pytest.mark.django_db


def test_median_time_to_decision_counts_manual_reviews(prospect, documents, legal_user):
    now = timezone.now()
    for hours in (2, 10, 30):
        request = services.access_request_create(
            user=prospect, documents=[documents["nda"]], company="I", reason="x"
        )
        AccessRequest.objects.filter(pk=request.pk).update(
            created_at=now - datetime.timedelta(hours=hours),
            decided_at=now,
            status="approved",
        )
    assert median_decision_hours(now - datetime.timedelta(days=30)) == 10.0


def test_the_page_shows_charts_tops_and_finds_a_download(
    client, prospect, prospect_org, documents, trust_admin_user
):
    event = DocumentEvent.objects.create(
        kind="download",
        document=documents["public"],
        version=documents["public"].current_version,
        user=prospect,
        organisation=prospect_org,
        sha256="a" * 64,
    )
    login_with_second_factor(client, trust_admin_user)
    page = client.get("/staff/trust-centre/analytics/").content.decode()
    assert "<svg" in page and "Downloads: 1" in page
    assert "public document</a> — 1" in page
    assert "Initech — 1" in page
    found = client.get(f"/staff/trust-centre/analytics/?download_id={event.public_id}")
    assert "pat@initech.test" in found.content.decode()
    missing = client.get(
        "/staff/trust-centre/analytics/?download_id=00000000-0000-0000-0000-000000000000"
    )
    assert "No download has this id." in missing.content.decode()
