"""The portal's export pages: who may export, the form, the job page with its progress, and the
signed download link (SECURITY-TESTS R11, R12)."""

import hashlib
import io
import re
import time
import types
import zipfile

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from exports.models import ExportJob
from exports.views import DOWNLOAD_LINK_PURPOSE
from tests.conftest import (
    PASSWORD,
    add_member,
    make_user,
    sign_in_with_password,
    sign_in_with_password_and_code,
)
from trustcentre.accounts.mfa import has_confirmed_device
from trustcentre.accounts.models import Membership, Organisation
from trustcentre.audit.models import AuditEvent
from trustcentre.jobs.models import JobStatus
from trustcentre.lib.signed_links import make_signed_token

pytestmark = pytest.mark.django_db


def download_link(client, job) -> str:
    page = client.get(f"/portal/exports/{job.organisation.slug}/{job.public_id}/")
    assert page.status_code == 200
    assert page.context["download_url"]
    return page.context["download_url"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# Who may export ------------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client, org_a):
    response = client.get("/portal/exports/acme/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_of_one_customer_goes_straight_to_its_exports(client, member_a):
    sign_in_with_password(client, member_a)
    response = client.get("/portal/exports/")
    assert response.status_code == 302 and response["Location"] == "/portal/exports/acme/"


def test_a_member_of_several_customers_chooses_one(client, member_a, org_b, prospect_org):
    add_member(member_a, org_b)
    add_member(member_a, prospect_org)
    sign_in_with_password(client, member_a)
    page = client.get("/portal/exports/")
    assert page.status_code == 200
    assert [o.slug for o in page.context["organisations"]] == ["acme", "globex"]
    assert (
        b"/portal/exports/globex/" in page.content
        and b"/portal/exports/initech/" not in page.content
    )


def test_a_prospect_has_nothing_to_export(client, prospect_org):
    user = make_user("someone@initech.test")
    add_member(user, prospect_org, Membership.Role.ADMIN)
    sign_in_with_password(client, user)
    assert client.get("/portal/exports/initech/").status_code == 403
    page = client.get("/portal/exports/")
    assert page.status_code == 200 and b"Nothing to export" in page.content


def test_a_former_customer_can_still_retrieve_its_data(client, org_a, admin_a):
    Organisation.objects.filter(pk=org_a.pk).update(kind=Organisation.Kind.FORMER_CUSTOMER)
    sign_in_with_password_and_code(client, admin_a)
    assert client.get("/portal/exports/acme/").status_code == 200


def test_another_organisations_exports_are_not_found(client, admin_b, completed_export, legal_user):
    sign_in_with_password_and_code(client, admin_b)
    job = completed_export
    for url in (
        "/portal/exports/acme/",
        f"/portal/exports/acme/{job.public_id}/",
        f"/portal/exports/acme/{job.public_id}/status/",
        f"/portal/exports/globex/{job.public_id}/",  # own slug, someone else's job
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/portal/exports/acme/{job.public_id}/retry/").status_code == 404
    # Staff do not reach customers' exports through the portal either.
    sign_in_with_password(client, legal_user)
    assert client.get("/portal/exports/acme/").status_code == 404


# Requesting ----------------------------------------------------------------------------------


def test_the_form_lists_each_category_with_its_description(client, member_a):
    sign_in_with_password(client, member_a)
    page = client.get("/portal/exports/acme/")
    assert page.status_code == 200
    content = page.content.decode()
    for category_id in ("leads", "visitor_profiles", "journey_insights", "organisation_profiles"):
        assert f'value="{category_id}"' in content
    assert "Lead contact data" in content and "One row per contact." in content
    assert 'name="format"' in content and 'type="date"' in content
    assert " style=" not in content and "<script>" not in content


def test_a_member_starts_an_export_and_follows_it(
    client, member_a, org_a, django_capture_on_commit_callbacks
):
    sign_in_with_password(client, member_a)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/portal/exports/acme/",
            {
                "categories": ["leads", "journey_insights"],
                "format": "json",
                "date_from": "2025-01-01",
                "date_to": "2025-12-31",
            },
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/exports/acme/{job.public_id}/"
    assert job.requested_by == member_a and job.organisation == org_a
    assert job.categories == ["leads", "journey_insights"] and job.format == "json"

    page = client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == 200
    assert f'data-job-status-url="/portal/exports/acme/{job.public_id}/status/"' in content
    assert '<progress id="export-progress" class="progress" max="1" value="0.0"' in content
    assert re.search(r'<script src="/static/js/job_progress\.js" defer></script>', content)
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in content
    assert " style=" not in content
    assert page["Cache-Control"].startswith("max-age=0")

    status = client.get(f"/portal/exports/acme/{job.public_id}/status/").json()
    assert status == {
        "status": "queued",
        "status_label": "Queued",
        "finished": False,
        "progress": 0.0,
        "rows_written": 0,
        "total_rows_expected": 0,
        "row_counts": {},
    }

    listing = client.get("/portal/exports/acme/")
    assert listing.context["running"] == job
    assert f"/portal/exports/acme/{job.public_id}/".encode() in listing.content


def test_bad_input_shows_the_error_and_starts_nothing(client, admin_a):
    sign_in_with_password_and_code(client, admin_a)
    response = client.post(
        "/portal/exports/acme/",
        {
            "categories": ["leads"],
            "format": "csv",
            "date_from": "2026-02-01",
            "date_to": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert "The period ends before it starts." in response.content.decode()
    response = client.post("/portal/exports/acme/", {"format": "csv"})
    assert "Choose at least one category of data." in response.content.decode()
    response = client.post("/portal/exports/acme/", {"categories": ["payroll"], "format": "csv"})
    assert response.status_code == 200 and "payroll" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_second_export_while_one_runs_leads_to_the_running_one(client, admin_a, member_a, org_a):
    from exports.services import export_request

    running = export_request(organisation=org_a, user=member_a, categories=["leads"], format="csv")
    sign_in_with_password_and_code(client, admin_a)
    response = client.post("/portal/exports/acme/", {"categories": ["leads"], "format": "xlsx"})
    assert response.status_code == 302
    assert response["Location"] == f"/portal/exports/acme/{running.public_id}/"
    assert ExportJob.objects.count() == 1


def test_the_list_is_paginated(client, admin_a, org_a):
    for number in range(25):
        ExportJob.objects.create(
            organisation=org_a,
            categories=["leads"],
            format="csv",
            status=JobStatus.COMPLETED,
            idempotency_key=f"k{number}",
        )
    sign_in_with_password_and_code(client, admin_a)
    first = client.get("/portal/exports/acme/")
    assert len(first.context["page_obj"].object_list) == 20
    second = client.get("/portal/exports/acme/?page=2")
    assert len(second.context["page_obj"].object_list) == 5


def test_a_failed_export_can_be_retried_from_its_page(
    client, admin_a, org_a, django_capture_on_commit_callbacks, export_storage
):
    job = ExportJob.objects.create(
        organisation=org_a,
        requested_by=admin_a,
        categories=["organisation_profiles"],
        format="csv",
        status=JobStatus.FAILED,
        error="The export could not be written (OSError: disk full).",
        idempotency_key="failed",
    )
    sign_in_with_password_and_code(client, admin_a)
    page = client.get(f"/portal/exports/acme/{job.public_id}/")
    assert "disk full" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/portal/exports/acme/{job.public_id}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.COMPLETED


# Downloading ---------------------------------------------------------------------------------


def test_the_zip_downloads_through_the_signed_link(
    client, completed_export, member_a, export_storage
):
    job = completed_export
    sign_in_with_password(client, member_a)
    page = client.get(f"/portal/exports/acme/{job.public_id}/")
    assert b"Download the zip" in page.content and b"data-job-status-url" not in page.content
    link = page.context["download_url"]
    assert link.startswith("/portal/exports/acme/download/")

    response = client.get(link)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="acme-export-{job.created_at:%Y%m%d}-{str(job.public_id)[:8]}.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    data = body(response)
    assert hashlib.sha256(data).hexdigest() == job.sha256
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    event = AuditEvent.objects.get(action="export.downloaded")
    assert event.actor == member_a and event.object_id == str(job.public_id)
    assert event.details == {"sha256": job.sha256, "bytes": job.archive_bytes, "via": "portal"}


def test_a_tampered_link_is_not_found(client, completed_export, admin_a):
    sign_in_with_password_and_code(client, admin_a)
    link = download_link(client, completed_export)
    token = link.rstrip("/").rsplit("/", 1)[1]
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(link.replace(token, flipped)).status_code == 404
    # A token signed for another purpose (the audit log's export) opens nothing here.
    other = make_signed_token("audit-export-download", str(completed_export.public_id))
    assert client.get(f"/portal/exports/acme/download/{other}/").status_code == 404
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_an_expired_link_is_gone(client, completed_export, admin_a, monkeypatch, settings):
    sign_in_with_password_and_code(client, admin_a)
    link = download_link(client, completed_export)
    later = time.time() + settings.EXPORT_LINK_MAX_AGE + 1
    monkeypatch.setattr(signing, "time", types.SimpleNamespace(time=lambda: later))
    response = client.get(link)
    assert response.status_code == 410
    assert b"This download link has expired" in response.content
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_another_organisations_user_cannot_use_a_leaked_link(
    client, completed_export, admin_a, admin_b
):
    sign_in_with_password_and_code(client, admin_a)
    link = download_link(client, completed_export)
    sign_in_with_password_and_code(client, admin_b)
    assert client.get(link).status_code == 404
    denied = AuditEvent.objects.get(action="authz.denied")
    assert denied.actor == admin_b and denied.object_id == str(completed_export.public_id)
    # Nor with their own organisation's slug in front of it.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/portal/exports/globex/download/{token}/").status_code == 404
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_a_removed_member_is_refused_at_once(client, completed_export, member_a, org_a):
    sign_in_with_password(client, member_a)
    link = download_link(client, completed_export)
    Membership.objects.filter(user=member_a, organisation=org_a).delete()
    assert client.get(link).status_code == 404
    assert AuditEvent.objects.filter(action="authz.denied", actor=member_a).exists()


def test_a_link_to_an_expired_archive_is_gone(client, completed_export, admin_a):
    sign_in_with_password_and_code(client, admin_a)
    link = download_link(client, completed_export)
    ExportJob.objects.filter(pk=completed_export.pk).update(expired_at=timezone.now())
    response = client.get(link)
    assert response.status_code == 410
    assert b"This export has expired" in response.content
    page = client.get(f"/portal/exports/acme/{completed_export.public_id}/")
    assert page.context["download_url"] is None


def test_a_made_up_token_for_an_unknown_job_is_not_found(client, admin_a, org_a):
    sign_in_with_password_and_code(client, admin_a)
    token = signing.TimestampSigner(salt="trustcentre.signed-link." + DOWNLOAD_LINK_PURPOSE).sign(
        "00000000-0000-0000-0000-000000000000"
    )
    assert client.get(f"/portal/exports/acme/download/{token}/").status_code == 404
    assert client.get("/portal/exports/acme/download/not-a-token/").status_code == 404


def test_a_stale_sign_in_confirms_the_password_before_the_export_starts(client, member_a, org_a):
    # A member without an authenticator (admins have one: see the next test), signed in long
    # ago: no recent authentication in the session.
    client.force_login(member_a)
    url = reverse("exports:list", kwargs={"slug": org_a.slug})
    response = client.post(url, {"categories": ["leads"], "format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ExportJob.objects.exists()

    page = client.get(response["Location"])
    assert b"Confirm it is you" in page.content
    wrong = client.post(response["Location"], {"password": "not the password"})
    assert wrong.status_code == 200 and not ExportJob.objects.exists()

    confirmed = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    # allauth replays the POST that was held: the export the person asked for starts.
    job = ExportJob.objects.get()
    assert job.categories == ["leads"] and job.format == "csv"
    assert confirmed.redirect_chain[-1][0].endswith(f"/{job.public_id}/")


def test_someone_with_an_authenticator_enters_a_fresh_code_first(client, admin_a, org_a):
    assert has_confirmed_device(admin_a)  # as every customer admin has
    sign_in_with_password(client, admin_a)  # a fresh password is not enough with a device
    url = reverse("exports:list", kwargs={"slug": org_a.slug})
    response = client.post(url, {"categories": ["leads"], "format": "csv"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa:verify"))
    assert not ExportJob.objects.exists()
