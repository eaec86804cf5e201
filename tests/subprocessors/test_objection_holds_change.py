"""An objection holds the change (Art. 28(2) and (4) GDPR): on its date a notice with open
objections stays announced, held, until legal resolves the last one (it then takes effect at
once) or decides to proceed despite them, with a reason that each objecting customer is told
together with its remedy."""

import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from subprocessors import services
from subprocessors.models import ChangeNotice, ListVersion, SubProcessor
from tests.conftest import login_with_second_factor
from tests.subprocessors.conftest import days, earliest_effective
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
REASON = "The EU warehouse is discontinued; every region moves to the new provider."


@pytest.fixture
def held(draft, legal_user, org_a, admin_a, member_a, org_b, admin_b, committed):
    """A change announced 40 days ago, so its date has passed, to which both customers objected
    in time."""
    past = timezone.now() - days(40)
    with committed():
        notice = services.notice_announce(
            notice=draft, effective_date=earliest_effective(past), user=legal_user, now=past
        )
    objections = {
        org.slug: services.objection_raise(
            notice=notice,
            organisation=org,
            grounds=f"{org.name} cannot accept US transfers.",
            user=admin,
            now=past + days(2),
        )
        for org, admin in ((org_a, admin_a), (org_b, admin_b))
    }
    assert notice.effective_at < timezone.now()
    return notice, objections


def proceeded_emails():
    return OutboxMessage.objects.filter(template="subprocessors/notice_proceeded")


def test_a_notice_with_an_open_objection_stays_pending_past_its_date(held, legal_user):
    notice, objections = held
    later = notice.effective_at + days(1)
    assert services.notices_make_due_effective(now=later) == 0
    assert services.notices_make_due_effective(now=later + days(3)) == 0
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.ANNOUNCED
    assert notice.held_since == later
    assert ListVersion.objects.count() == 1
    assert SubProcessor.objects.get(name="Warehouse").status == SubProcessor.Status.PROPOSED
    assert AuditEvent.objects.filter(action="subprocessor.notice_held").count() == 1

    # One objection resolved: the other still holds it.
    services.objection_resolve(
        objection=objections["acme"],
        resolution="withdrawn",
        notes="Acme withdrew after our call.",
        user=legal_user,
    )
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.ANNOUNCED
    assert services.notices_make_due_effective() == 0

    # The last one resolved: the change takes effect at once, with list version 2.
    services.objection_resolve(
        objection=objections["globex"],
        resolution="not_applied",
        notes="Globex stays on the EU warehouse.",
        user=legal_user,
    )
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.EFFECTIVE
    assert ListVersion.objects.get(number=2).notice == notice
    assert SubProcessor.objects.get(name="Warehouse").status == SubProcessor.Status.ACTIVE
    assert notice.effective_day == timezone.localtime(timezone.now(), BERLIN).date()
    assert notice.proceeded_at is None
    assert not proceeded_emails().exists()


def test_the_customer_whose_objection_ended_in_not_applied_sees_so(
    client, held, legal_user, admin_b
):
    notice, objections = held
    for slug, resolution in (("acme", "withdrawn"), ("globex", "not_applied")):
        services.objection_resolve(
            objection=objections[slug], resolution=resolution, notes="Agreed.", user=legal_user
        )
    login_with_second_factor(client, admin_b)
    page = client.get(f"/portal/subprocessors/globex/changes/{notice.public_id}/")
    text = page.content.decode()
    assert "Not applied for Globex" in text
    assert "Change not applied for this customer" in text


def test_proceeding_with_a_reason_takes_effect_and_emails_each_objector_once(
    client, held, legal_user, admin_a, committed
):
    notice, _ = held
    services.notices_make_due_effective()
    mail.outbox.clear()
    with committed():
        services.notice_proceed_despite_objections(notice=notice, user=legal_user, reason=REASON)

    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.EFFECTIVE
    assert (notice.proceeded_by, notice.proceed_reason) == (legal_user, REASON)
    # Held past its date, it takes effect on the day of the decision: the day everyone is told.
    today = timezone.localtime(timezone.now(), BERLIN).date()
    assert notice.effective_day == today
    assert ListVersion.objects.get(number=2).notice == notice
    event = AuditEvent.objects.get(action="subprocessor.notice_proceeded")
    assert event.object_id == str(notice.public_id)
    assert event.details["reason"] == REASON
    assert sorted(event.details["organisations"]) == ["acme", "globex"]

    # One email per admin of each objecting customer (members are not emailed).
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@acme.test", "admin@globex.test"]
    acme = next(m for m in mail.outbox if m.to == ["admin@acme.test"])
    assert "proceeds despite your objection" in acme.subject
    assert REASON in acme.body
    assert f"it takes effect on {date_format(today, 'j M Y')}" in " ".join(acme.body.split())
    assert "terminate the services it affects (Analytics)" in acme.body
    assert f"/portal/subprocessors/acme/changes/{notice.public_id}/" in acme.body
    html = acme.alternatives[0].content
    assert REASON in html and "terminate the services it affects" in html

    # Run again, the beat and the service: nothing more is written or sent.
    assert services.notices_make_due_effective() == 0
    with pytest.raises(services.NoticeStateError), committed():
        services.notice_proceed_despite_objections(notice=notice, user=legal_user, reason=REASON)
    assert proceeded_emails().count() == 2
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="subprocessor.notice_proceeded").count() == 1

    # The customer's page shows the decision.
    login_with_second_factor(client, admin_a)
    page = client.get(f"/portal/subprocessors/acme/changes/{notice.public_id}/")
    text = page.content.decode()
    assert "Our decision: the change proceeds despite your objection" in text
    assert REASON in text


def test_proceeding_without_a_reason_changes_nothing(staff_client, held, legal_user):
    notice, _ = held
    with pytest.raises(ValidationError):
        services.notice_proceed_despite_objections(notice=notice, user=legal_user, reason="  ")
    response = staff_client.post(
        f"/staff/subprocessors/notices/{notice.public_id}/proceed/", {"reason": "   "}
    )
    assert response.status_code == 400
    assert "Say why the change proceeds despite the open objections." in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.ANNOUNCED and notice.proceeded_at is None
    assert ListVersion.objects.count() == 1
    assert not proceeded_emails().exists()
    assert not AuditEvent.objects.filter(action="subprocessor.notice_proceeded").exists()


def test_legal_proceeds_from_the_staff_notice_page(staff_client, held, committed):
    notice, _ = held
    mail.outbox.clear()
    with committed():
        response = staff_client.post(
            f"/staff/subprocessors/notices/{notice.public_id}/proceed/", {"reason": REASON}
        )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.EFFECTIVE
    page = staff_client.get(f"/staff/subprocessors/notices/{notice.public_id}/").content.decode()
    assert "Proceeded despite open objections" in page and REASON in page
    assert "Held by" not in page
    assert len(mail.outbox) == 2


def test_only_legal_may_proceed(client, held, dpo_user):
    notice, _ = held
    login_with_second_factor(client, dpo_user)
    response = client.post(
        f"/staff/subprocessors/notices/{notice.public_id}/proceed/", {"reason": REASON}
    )
    assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.notice_proceed_despite_objections(notice=notice, user=dpo_user, reason=REASON)
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.ANNOUNCED


def test_the_staff_pages_show_held_by_open_objections(staff_client, held, legal_user):
    notice, objections = held
    page = staff_client.get(f"/staff/subprocessors/notices/{notice.public_id}/").content.decode()
    assert "Held by 2 open objections" in page
    assert "Proceed despite the objections" in page
    home = staff_client.get("/staff/").content.decode()
    assert "Held by 2 open objections: Warehouse for analytics" in home
    workbench = staff_client.get("/staff/subprocessors/").content.decode()
    assert "held by 2 open objections" in workbench

    services.objection_resolve(
        objection=objections["acme"], resolution="alternative", notes="EU option.", user=legal_user
    )
    assert "Held by 1 open objection: Warehouse" in staff_client.get("/staff/").content.decode()
