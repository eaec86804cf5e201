"""Fixtures of the rights-request tests: private storage, demo data with a known subject, and
helpers that file and confirm a request as a requester would."""

import datetime
import re
import uuid

import pytest

from exports.builtin_source.models import JourneyEvent, Lead, VisitorProfile
from trustcentre.notifications.models import OutboxMessage

SUBJECT = "jane.subject@example.org"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    settings.EXPORT_WORK_DIR = tmp_path / "work"
    return private


def add_subject_rows(tenant_id, email, *, profiles=2, events=3):
    """A lead with this email, visitor profiles linked to it and journey events on them."""
    moment = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
    contact = uuid.uuid4()
    Lead.objects.create(
        tenant_id=tenant_id,
        contact_id=contact,
        first_name="Jane",
        last_name="Subject",
        email=email,
        phone="+4930123456",
        created_at=moment,
        updated_at=moment,
    )
    for _ in range(profiles):
        profile = VisitorProfile.objects.create(
            tenant_id=tenant_id,
            contact_id=contact,
            first_seen_at=moment,
            last_seen_at=moment,
            device_type="desktop",
        )
        for _ in range(events):
            JourneyEvent.objects.create(
                tenant_id=tenant_id,
                profile_id=profile.profile_id,
                occurred_at=moment,
                event_type="page_view",
                page_url="https://www.acme.example/",
            )
    return contact


@pytest.fixture
def subject_data(org_a, org_b):
    """The subject in org_a's data (1 lead, 2 profiles, 6 events) and someone else in both."""
    add_subject_rows(org_a.tenant_id, SUBJECT)
    add_subject_rows(org_a.tenant_id, "other.person@example.org")
    add_subject_rows(org_b.tenant_id, "other.person@example.org", profiles=1, events=1)


def last_email(to):
    return OutboxMessage.objects.filter(to_email=to).order_by("-pk").first()


def link_in(message, pattern):
    match = re.search(pattern, message.body_text)
    assert match, message.body_text
    return match.group(0)


def verify_token(email):
    message = OutboxMessage.objects.filter(
        to_email=email, cause__startswith="rights-request-verify"
    ).latest("pk")
    return link_in(message, r"/privacy/requests/confirm/([^/\s]+)/").split("/")[-2]


@pytest.fixture
def file_request(db, django_capture_on_commit_callbacks):
    from rights_requests import services

    def file(type="access", email=SUBJECT, jurisdiction="eu_gdpr", verify=True, **extra):
        rr = services.rights_request_file(
            type=type, jurisdiction=jurisdiction, name="Jane Subject", email=email, **extra
        )
        if verify:
            rr = services.rights_request_verify(token=verify_token(email))
        rr.refresh_from_db()
        return rr

    return file
