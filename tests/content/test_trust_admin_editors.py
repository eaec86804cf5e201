"""The trust admin edits everything the public trust centre shows on staff pages (certifications,
the overview, control groups, FAQ categories; legal too for NDA versions), never from a link
that answers 403; the 403 page names the role a page needs."""

import re

import pytest

from tests.conftest import login_with_second_factor
from trustcentre.audit.models import AuditEvent
from trustcentre.content.models import Certification, ControlGroup, FaqCategory, Overview
from trustcentre.documents.models import NdaVersion

pytestmark = pytest.mark.django_db


def test_a_trust_admin_adds_and_edits_a_certification(client, trust_admin_user):
    login_with_second_factor(client, trust_admin_user)
    assert client.get("/staff/trust-centre/certification/new/").status_code == 200
    data = {
        "name": "ISO/IEC 27001:2022",
        "issuer": "BSI",
        "scope": "The platform and its operations.",
        "certificate_number": "IS 700001",
        "valid_from": "2026-01-10",
        "valid_until": "2029-01-09",
        "order": 1,
        "owner": trust_admin_user.pk,
        "next_review_on": "2027-01-31",
    }

    response = client.post("/staff/trust-centre/certification/new/", data)

    assert response.status_code == 302
    certification = Certification.objects.get()
    assert certification.owner == trust_admin_user
    assert "ISO/IEC 27001:2022" in client.get("/").content.decode()
    listing = client.get("/staff/trust-centre/certification/").content.decode()
    assert "9 Jan 2029" in listing and "31 Jan 2027" in listing
    client.post(
        f"/staff/trust-centre/certification/{certification.public_id}/",
        {**data, "issuer": "BSI Group"},
    )
    certification.refresh_from_db()
    assert certification.issuer == "BSI Group"
    assert AuditEvent.objects.filter(action="content.changed").exists()


def test_a_certification_cannot_expire_before_it_is_valid(client, trust_admin_user):
    login_with_second_factor(client, trust_admin_user)
    response = client.post(
        "/staff/trust-centre/certification/new/",
        {
            "name": "SOC 2",
            "issuer": "Auditor",
            "scope": "All",
            "valid_from": "2027-01-10",
            "valid_until": "2026-01-09",
            "order": 0,
            "next_review_on": "2027-01-31",
        },
    )
    assert "A certificate cannot expire before it is valid." in response.content.decode()
    assert not Certification.objects.exists()


def test_a_certification_is_reviewed_like_controls(client, trust_admin_user):
    certification = Certification.objects.create(
        name="SOC 2 Type II",
        issuer="Auditor",
        scope="All",
        valid_from="2026-01-01",
        valid_until="2027-01-01",
        next_review_on="2020-01-01",
    )
    login_with_second_factor(client, trust_admin_user)
    assert "SOC 2 Type II" in client.get("/staff/trust-centre/reviews/").content.decode()

    client.post(f"/staff/trust-centre/reviews/certification/{certification.public_id}/")

    certification.refresh_from_db()
    assert certification.last_reviewed_by == trust_admin_user
    client.get("/staff/trust-centre/")  # shows the "marked reviewed" message
    assert "SOC 2 Type II" not in client.get("/staff/trust-centre/reviews/").content.decode()


def test_a_trust_admin_edits_the_overview(client, trust_admin_user):
    Overview.objects.create(heading="Security at Northwind", body="Old words.")
    login_with_second_factor(client, trust_admin_user)

    response = client.post(
        "/staff/trust-centre/overview/",
        {"heading": "Security at Northwind", "body": "We encrypt everything.\n\nAudited yearly."},
    )

    assert response.status_code == 302
    assert Overview.objects.count() == 1
    assert "We encrypt everything." in client.get("/").content.decode()
    assert AuditEvent.objects.get(action="content.changed").details["kind"] == "overview"


@pytest.mark.parametrize(
    ("kind", "model", "data"),
    [
        ("group", ControlGroup, {"name": "Encryption", "slug": "encryption", "order": 1}),
        ("category", FaqCategory, {"name": "Hosting", "slug": "hosting", "order": 1}),
    ],
)
def test_a_trust_admin_adds_and_renames_groups_and_categories(
    client, trust_admin_user, kind, model, data
):
    login_with_second_factor(client, trust_admin_user)
    assert client.post(f"/staff/trust-centre/{kind}/new/", data).status_code == 302
    item = model.objects.get()
    listing = client.get(f"/staff/trust-centre/{kind}/").content.decode()
    assert f'href="/staff/trust-centre/{kind}/{item.slug}/"' in listing

    client.post(f"/staff/trust-centre/{kind}/{item.slug}/", {**data, "name": "Renamed"})

    item.refresh_from_db()
    assert item.name == "Renamed"
    assert client.get(f"/staff/trust-centre/{kind}/missing/").status_code == 404


@pytest.mark.parametrize("role_fixture", ["legal_user", "trust_admin_user"])
def test_legal_and_trust_admin_publish_a_new_nda_version(
    client, request, role_fixture, nda_version
):
    user = request.getfixturevalue(role_fixture)
    login_with_second_factor(client, user)
    page = client.get("/staff/nda-versions/").content.decode()
    assert "Mutual NDA" in page and "Keep it secret." in page  # the form holds the current text

    unchanged = client.post(
        "/staff/nda-versions/", {"title": "Mutual NDA", "text": nda_version.text}
    )
    assert "The text is the same as the current version" in unchanged.content.decode()
    response = client.post(
        "/staff/nda-versions/", {"title": "Mutual NDA", "text": "1. Keep it secret for 3 years."}
    )

    assert response.status_code == 302
    assert NdaVersion.current().number == 2
    assert NdaVersion.objects.get(number=1).text == nda_version.text
    assert AuditEvent.objects.filter(action="nda.published", actor=user).exists()


def test_the_403_page_names_the_role_needed(client, dpo_user):
    login_with_second_factor(client, dpo_user)

    response = client.get("/staff/trust-centre/certification/")

    assert response.status_code == 403
    assert "This page needs the staff role Trust admin or Legal." in response.content.decode()


def _links(html: str) -> set[str]:
    return {
        link
        for link in re.findall(r'href="(/[^"#]*)"', html)
        if not link.startswith(("/static/", "/accounts/logout"))
    }


@pytest.mark.parametrize("role_fixture", ["trust_admin_user", "legal_user", "dpo_user"])
def test_no_link_on_a_staff_home_leads_to_a_403(client, request, role_fixture):
    """Every link on the staff home, and on the pages it links to, opens for that role."""
    login_with_second_factor(client, request.getfixturevalue(role_fixture))
    home = client.get("/staff/").content.decode()
    pages = {"/staff/": home}
    for link in _links(home):
        if link.startswith("/staff/") and link not in pages:
            pages[link] = client.get(link).content.decode()
    refused = {}
    for source, html in pages.items():
        for link in _links(html):
            status = client.get(link).status_code
            if status == 403:
                refused.setdefault(source, []).append(link)

    assert refused == {}
