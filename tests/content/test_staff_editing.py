"""Trust admins edit controls and FAQ entries on the staff pages; each change is audited and
shows on the public page."""

import pytest

from tests.conftest import login_with_second_factor
from trustcentre.audit.models import AuditEvent
from trustcentre.content.models import Control, ControlGroup, FaqCategory, FaqEntry

pytestmark = pytest.mark.django_db


def test_a_trust_admin_adds_and_edits_a_control(client, trust_admin_user):
    group = ControlGroup.objects.create(name="Encryption", slug="encryption")
    login_with_second_factor(client, trust_admin_user)
    assert client.get("/staff/trust-centre/control/new/").status_code == 200
    response = client.post(
        "/staff/trust-centre/control/new/",
        {
            "group": group.pk,
            "title": "TLS 1.2-1.3 only",
            "description": "Older protocols are refused.",
            "order": 1,
            "owner": trust_admin_user.pk,
            "next_review_on": "2027-01-31",
        },
    )
    assert response.status_code == 302
    control = Control.objects.get()
    assert "TLS 1.2-1.3 only" in client.get("/").content.decode()
    response = client.post(
        f"/staff/trust-centre/control/{control.public_id}/",
        {
            "group": group.pk,
            "title": "TLS 1.2 and 1.3 only",
            "description": "Older protocols are refused.",
            "order": 1,
            "owner": trust_admin_user.pk,
            "next_review_on": "2027-01-31",
            # The hidden initial a browser posts back (the field has a callable default).
            "initial-next_review_on": "2027-01-31",
        },
    )
    control.refresh_from_db()
    assert control.title == "TLS 1.2 and 1.3 only"
    changed = AuditEvent.objects.get(action="content.changed")
    assert changed.details == {"kind": "control", "fields": ["title"]}
    assert "TLS 1.2 and 1.3 only" in client.get("/staff/trust-centre/control/").content.decode()


def test_a_faq_entry_without_an_answer_is_refused(client, trust_admin_user):
    category = FaqCategory.objects.create(name="Roles", slug="roles")
    login_with_second_factor(client, trust_admin_user)
    response = client.post(
        "/staff/trust-centre/faq/new/",
        {
            "category": category.pk,
            "question": "Processor?",
            "answer": "",
            "order": 0,
            "next_review_on": "2027-01-31",
        },
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not FaqEntry.objects.exists()


def test_an_unknown_kind_is_404(client, trust_admin_user, member_a):
    login_with_second_factor(client, trust_admin_user)
    assert client.get("/staff/trust-centre/nonsense/").status_code == 404
    client.force_login(member_a)
    assert client.get("/staff/trust-centre/faq/").status_code == 403
