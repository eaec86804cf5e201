"""Legal replies to an open objection before resolving it: the customer's admins get the reply
by email and read it on the notice page; the objection stays open."""

import pytest
from django.core import mail

from subprocessors import services
from subprocessors.models import Objection
from tests.conftest import login_with_second_factor
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def objection(announced, admin_a, org_a):
    return services.objection_raise(
        notice=announced, organisation=org_a, grounds="US transfer", user=admin_a
    )


def reply_path(objection):
    return f"/staff/subprocessors/objections/{objection.public_id}/reply/"


def test_legal_replies_and_the_objection_stays_open(
    staff_client, client, announced, objection, admin_a, committed
):
    page = staff_client.get(f"/staff/subprocessors/notices/{announced.public_id}/")
    assert b"Send the reply" in page.content
    mail.outbox.clear()
    with committed():
        response = staff_client.post(
            reply_path(objection), {"text": "Would EU-only hosting for Acme answer this?"}
        )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.OPEN
    # One email per person, with a text and an HTML body.
    assert [m.to for m in mail.outbox] == [["admin@acme.test"]]
    message = mail.outbox[0]
    assert "Would EU-only hosting for Acme answer this?" in message.body
    assert "stays open until they resolve it" in message.body
    assert "Would EU-only hosting for Acme answer this?" in message.alternatives[0][0]
    event = AuditEvent.objects.get(action="subprocessor.objection_replied")
    assert event.details["reply"] == str(objection.replies.get().public_id)

    staff_page = staff_client.get(f"/staff/subprocessors/notices/{announced.public_id}/")
    assert b"Our replies" in staff_page.content
    assert b"Resolve and tell the customer" in staff_page.content  # still to resolve

    staff_client.logout()
    login_with_second_factor(client, admin_a)
    portal = client.get(f"/portal/subprocessors/acme/changes/{announced.public_id}/")
    body = portal.content.decode()
    assert "Replies from our legal team" in body
    assert "Would EU-only hosting for Acme answer this?" in body


def test_an_empty_reply_is_refused_and_nothing_is_sent(staff_client, objection, committed):
    mail.outbox.clear()
    with committed():
        response = staff_client.post(reply_path(objection), {"text": "   "})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    assert not objection.replies.exists()
    assert mail.outbox == []


def test_a_resolved_objection_takes_no_more_replies(staff_client, objection, legal_user):
    services.objection_resolve(
        objection=objection, resolution="not_applied", notes="Kept on EU.", user=legal_user
    )
    response = staff_client.post(reply_path(objection), {"text": "One more thing"}, follow=True)
    assert "This objection is already resolved" in response.content.decode()
    assert not objection.replies.exists()
