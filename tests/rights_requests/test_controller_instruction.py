"""The provider acts on a customer's data only on that customer's instruction (GDPR
Art. 28(3)(a)): while it is awaited nothing is fulfilled, the pages say why and since when,
the customer's admins are reminded; "handle it for us" (with the data it chose) or an override
the DPO records with a reason lets the DPO act; the letter and the pages then say what was done.
"""

import datetime
import html
import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from exports.builtin_source.models import JourneyEvent, Lead, VisitorProfile
from exports.models import SuppressionEntry
from rights_requests import services
from rights_requests.letters import letter_pdf
from rights_requests.models import Referral, RequestStatus
from tests.conftest import login_with_second_factor, make_admin
from tests.rights_requests.conftest import SUBJECT, last_email
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

ALL_CATEGORIES = ["leads", "visitor_profiles", "journey_insights", "organisation_profiles"]


def _subject_rows(tenant_id):
    leads = Lead.objects.filter(tenant_id=tenant_id, email__iexact=SUBJECT)
    profiles = VisitorProfile.objects.filter(
        tenant_id=tenant_id, contact_id__in=leads.values("contact_id")
    )
    events = JourneyEvent.objects.filter(
        tenant_id=tenant_id, profile_id__in=profiles.values("profile_id")
    )
    return leads.count(), profiles.count(), events.count()


def _erase(rr, dpo_user, capture):
    with capture(execute=True):
        job = services.fulfilment_start(rr=rr, actor=dpo_user)
    job.refresh_from_db()
    assert job.status == "completed", job.error
    return job


def _pdf_text(rr) -> str:
    pages = PdfReader(io.BytesIO(letter_pdf(rr))).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _status_page(client, rr, email=SUBJECT) -> str:
    url = reverse("rights_requests:status", kwargs={"reference": rr.reference})
    client.post(url, {"email": email})
    code = re.search(r"code is (\d{6})", last_email(email).body_text).group(1)
    return html.unescape(client.post(url, {"code": code}, follow=True).content.decode())


def _staff_page(client, dpo_user, rr) -> str:
    login_with_second_factor(client, dpo_user)
    url = reverse("rights_requests_staff:request_detail", kwargs={"reference": rr.reference})
    return html.unescape(client.get(url).content.decode())


def _referral_page(client, admin, referral) -> str:
    login_with_second_factor(client, admin)
    url = reverse("rights_requests_portal:referral", kwargs={"public_id": referral.public_id})
    return html.unescape(client.get(url).content.decode())


def test_erasure_is_refused_while_the_customer_has_not_instructed_us(
    subject_data, org_a, dpo_user, file_request, django_capture_on_commit_callbacks
):
    rr = file_request(type="erasure")
    assert rr.status == RequestStatus.REFERRED
    outbox = OutboxMessage.objects.count()
    audit = AuditEvent.objects.count()

    with pytest.raises(ValidationError, match="for Acme's instruction") as refused:
        with django_capture_on_commit_callbacks(execute=True):
            services.fulfilment_start(rr=rr, actor=dpo_user)

    assert "Waiting since" in str(refused.value)
    assert _subject_rows(org_a.tenant_id) == (1, 2, 6)  # nothing deleted
    assert not rr.fulfilment_jobs.exists()
    assert not rr.results.exists()
    assert OutboxMessage.objects.count() == outbox  # nothing sent
    assert AuditEvent.objects.count() == audit
    assert services.fulfilment_refusal(rr)


def test_the_workbench_offers_no_fulfilment_while_waiting_and_says_since_when(
    client, subject_data, org_a, dpo_user, file_request
):
    rr = file_request(type="erasure")
    since = timezone.localdate().strftime("%-d %b %Y")

    page = _staff_page(client, dpo_user, rr)

    assert "Erase the subject's records" not in page
    assert f"Waiting since {since} for Acme's instruction" in page
    assert "Record an override: Acme confirmed out of band" in page
    # A POST all the same is refused with the same reason, and deletes nothing.
    url = reverse(
        "rights_requests_staff:request_action",
        kwargs={"reference": rr.reference, "action": "fulfil"},
    )
    page = html.unescape(client.post(url, follow=True).content.decode())
    assert "for Acme's instruction" in page
    assert _subject_rows(org_a.tenant_id) == (1, 2, 6)


def test_handle_it_for_us_lets_the_dpo_act_on_the_categories_the_customer_chose(
    client,
    subject_data,
    org_a,
    admin_a,
    dpo_user,
    file_request,
    django_capture_on_commit_callbacks,
):
    rr = file_request(type="access")
    referral = rr.referrals.get()
    # The customer narrows the instruction to its lead contact data.
    login_with_second_factor(client, admin_a)
    url = reverse("rights_requests_portal:referral", kwargs={"public_id": referral.public_id})
    client.post(
        url, {"instruction": "handle_for_us", "categories": ["leads"], "note": "Leads only"}
    )
    referral.refresh_from_db()
    assert referral.instruction == "handle_for_us" and referral.categories == ["leads"]
    rr.refresh_from_db()
    assert rr.status == RequestStatus.OPEN and services.fulfilment_refusal(rr) is None
    assert "Build the subject's data export" in _staff_page(client, dpo_user, rr)

    job = _erase(rr, dpo_user, django_capture_on_commit_callbacks)

    with default_storage.open(job.archive_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    manifest = json.loads(archive.read("manifest.json"))
    assert [c["id"] for c in manifest["organisations"][0]["categories"]] == ["leads"]
    assert not any(name.startswith("acme/visitor_profiles") for name in archive.namelist())
    assert [lead["email"] for lead in json.loads(archive.read("acme/leads.json"))] == [SUBJECT]


def test_an_override_without_a_reason_changes_nothing_and_sends_nothing(
    subject_data, org_a, admin_a, dpo_user, file_request
):
    rr = file_request(type="erasure")
    referral = rr.referrals.get()
    outbox = OutboxMessage.objects.count()

    with pytest.raises(ValidationError, match="reason"):
        services.referral_override(
            referral=referral,
            reason="  ",
            confirmed_by="Carl Controller, DPO of Acme",
            channel="telephone",
            actor=dpo_user,
        )

    referral.refresh_from_db()
    assert referral.instruction == Referral.Instruction.PENDING and not referral.override_at
    assert not AuditEvent.objects.filter(action="rights_request.instruction_overridden").exists()
    assert OutboxMessage.objects.count() == outbox
    with pytest.raises(ValidationError, match="instruction"):
        services.fulfilment_start(rr=rr, actor=dpo_user)
    assert _subject_rows(org_a.tenant_id) == (1, 2, 6)


def test_an_override_is_audited_and_shown_to_the_customer_and_in_the_letter(
    client,
    subject_data,
    org_a,
    admin_a,
    dpo_user,
    file_request,
    django_capture_on_commit_callbacks,
):
    rr = file_request(type="erasure")
    referral = rr.referrals.get()
    # Through the workbench, as the DPO records it.
    login_with_second_factor(client, dpo_user)
    client.post(
        reverse(
            "rights_requests_staff:request_action",
            kwargs={"reference": rr.reference, "action": "override"},
        ),
        {
            "referral": str(referral.public_id),
            "confirmed_by": "Carl Controller, DPO of Acme",
            "channel": "telephone call on the 4th",
            "reason": "The deadline is close and Acme cannot reach the portal.",
        },
    )
    event = AuditEvent.objects.get(action="rights_request.instruction_overridden")
    assert event.details["confirmed_by"] == "Carl Controller, DPO of Acme"
    assert event.actor == dpo_user
    assert last_email(admin_a.email).cause == f"rights-request-override:{referral.public_id}"
    rr.refresh_from_db()

    _erase(rr, dpo_user, django_capture_on_commit_callbacks)
    assert _subject_rows(org_a.tenant_id) == (0, 0, 0)
    services.rights_request_complete(rr=rr, outcome="We erased your records.", actor=dpo_user)
    rr.refresh_from_db()

    page = _referral_page(client, admin_a, referral)
    assert "Carl Controller, DPO of Acme" in page
    assert "The deadline is close and Acme cannot reach the portal." in page
    text = _pdf_text(rr)
    assert "Carl Controller, DPO of Acme" in text
    assert "The deadline is close and Acme cannot reach the portal." in text


def test_the_letter_never_shows_an_internal_status(
    subject_data, org_a, admin_a, dpo_user, file_request, django_capture_on_commit_callbacks
):
    rr = file_request(type="erasure")
    waiting = _pdf_text(rr)  # the staff may open the letter while the instruction is awaited
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()
    _erase(rr, dpo_user, django_capture_on_commit_callbacks)
    services.rights_request_complete(rr=rr, outcome="Your records are erased.", actor=dpo_user)
    rr.refresh_from_db()
    done = _pdf_text(rr)

    internal = [
        "Waiting for the customer's instruction",
        "Referred to the controller",
        "handle_for_us",
        "we_handle",
        "pending",
        "journey_insights",
        "visitor_profiles",
    ]
    for text in (waiting, done):
        assert not [label for label in internal if label in text], text
    assert "had not instructed us" in waiting
    assert "Acme instructed us on" in done
    assert "9 records erased" in done
    assert "Journey insights" in done or "journey insights" in done.lower()


def test_the_requester_sees_a_plain_status_and_no_download_while_referred(
    client, subject_data, file_request
):
    rr = file_request(type="access")
    page = _status_page(client, rr)
    assert "We have asked the organisation that holds your data" in page
    assert "Download your data" not in page


def test_customer_admins_are_reminded_once_per_reminder_day(
    subject_data, org_a, admin_a, file_request
):
    second_admin = make_admin("second@acme.test", org_a)
    rr = file_request(type="erasure")
    referral = rr.referrals.get()
    day0 = timezone.localdate(referral.created_at)
    reminders = OutboxMessage.objects.filter(cause__startswith="rights-request-referral-reminder")

    for day in (1, 2):
        services.referral_send_reminders(today=day0 + datetime.timedelta(days=day))
    assert not reminders.exists()
    for _run in range(2):  # the task may run twice the same day
        services.referral_send_reminders(today=day0 + datetime.timedelta(days=3))
    assert sorted(reminders.values_list("to_email", flat=True)) == sorted(
        [admin_a.email, second_admin.email]
    )
    services.referral_send_reminders(today=day0 + datetime.timedelta(days=7))
    services.referral_send_reminders(today=day0 + datetime.timedelta(days=7))
    assert reminders.count() == 4
    assert len(set(reminders.values_list("cause", "to_email"))) == 4
    message = reminders.filter(to_email=admin_a.email).latest("pk")
    assert "waited for your instruction since" in message.body_text
    assert message.body_html

    # Once instructed, no more reminders.
    services.referral_instruct(referral=referral, user=admin_a, instruction="we_handle")
    services.referral_send_reminders(today=rr.due_date - datetime.timedelta(days=5))
    assert reminders.count() == 4


def test_the_queue_shows_how_long_each_referral_has_waited(
    client, subject_data, dpo_user, file_request, time_machine
):
    rr = file_request(type="erasure")
    referral = rr.referrals.get()
    Referral.objects.filter(pk=referral.pk).update(
        created_at=referral.created_at - datetime.timedelta(days=4)
    )
    login_with_second_factor(client, dpo_user)
    page = client.get(reverse("rights_requests_staff:request_list")).content.decode()
    row = page[page.index(rr.reference) :]
    row = row[: row.index("</tr>")]
    assert "Waiting for Acme for 4 days" in row


def test_rectification_writes_the_corrected_value_into_the_subjects_records(
    subject_data, org_a, admin_a, dpo_user, file_request
):
    rr = file_request(type="rectification")
    with pytest.raises(ValidationError, match="instruction"):
        services.rectification_record(rr=rr, field="leads.last_name", after="Smith", actor=dpo_user)
    assert Lead.objects.get(tenant_id=org_a.tenant_id, email=SUBJECT).last_name == "Subject"
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()

    # A value the field cannot take: a clear message, nothing written.
    with pytest.raises(ValidationError, match="phone"):
        services.rectification_record(rr=rr, field="leads.phone", after="call me", actor=dpo_user)
    assert Lead.objects.get(tenant_id=org_a.tenant_id, email=SUBJECT).phone == "+4930123456"

    item = services.rectification_record(
        rr=rr, field="leads.last_name", after="Smith", actor=dpo_user
    )

    lead = Lead.objects.get(tenant_id=org_a.tenant_id, email=SUBJECT)
    assert lead.last_name == "Smith"
    assert item.before == "Subject" and item.rows_changed == 1
    others = Lead.objects.filter(tenant_id=org_a.tenant_id).exclude(email=SUBJECT)
    assert set(others.values_list("last_name", flat=True)) == {"Subject"}
    result = rr.results.get()
    assert result.organisation == org_a and result.done_by == dpo_user
    assert AuditEvent.objects.filter(action="rights_request.rectified").exists()


@pytest.mark.parametrize(
    ("type", "flag", "suppressed"),
    [
        ("restriction", "processing_restricted", True),
        ("objection", "objected_to_processing", True),
        ("opt_out", "opted_out_of_sale_sharing", False),
    ],
)
def test_restriction_objection_and_opt_out_set_the_flag_only_after_the_instruction(
    subject_data, org_a, admin_a, dpo_user, file_request, type, flag, suppressed
):
    jurisdiction = "us_ccpa" if type == "opt_out" else "eu_gdpr"
    rr = file_request(type=type, jurisdiction=jurisdiction)
    with pytest.raises(ValidationError, match="instruction"):
        services.fulfilment_apply_flags(rr=rr, actor=dpo_user)
    lead = Lead.objects.get(tenant_id=org_a.tenant_id, email=SUBJECT)
    assert getattr(lead, flag) is False
    services.referral_instruct(
        referral=rr.referrals.get(), user=admin_a, instruction="handle_for_us"
    )
    rr.refresh_from_db()

    services.fulfilment_apply_flags(rr=rr, actor=dpo_user)

    lead.refresh_from_db()
    assert getattr(lead, flag) is True
    profiles = VisitorProfile.objects.filter(tenant_id=org_a.tenant_id, contact_id=lead.pk)
    assert [getattr(p, flag) for p in profiles] == [True, True]
    other = Lead.objects.get(tenant_id=org_a.tenant_id, email="other.person@example.org")
    assert getattr(other, flag) is False
    assert (
        SuppressionEntry.is_suppressed(tenant_id=org_a.tenant_id, kind="email", value=SUBJECT)
        is suppressed
    )


def test_the_customer_page_shows_what_was_done_once_completed(
    client,
    subject_data,
    org_a,
    admin_a,
    dpo_user,
    file_request,
    django_capture_on_commit_callbacks,
):
    rr = file_request(type="erasure")
    referral = rr.referrals.get()
    page = _referral_page(client, admin_a, referral)
    assert "Waiting since" in page and "Send the instruction" in page
    services.referral_instruct(referral=referral, user=admin_a, instruction="handle_for_us")
    rr.refresh_from_db()
    _erase(rr, dpo_user, django_capture_on_commit_callbacks)
    services.rights_request_complete(rr=rr, outcome="Erased.", actor=dpo_user)

    page = _referral_page(client, admin_a, referral)

    assert "Send the instruction" not in page
    assert "What we did for this request" in page
    assert "9 records erased" in page
    assert f"Done by {dpo_user.email}" in page
    assert "This request is closed" in page
    # A late instruction is refused with a reason, and changes nothing.
    url = reverse("rights_requests_portal:referral", kwargs={"public_id": referral.public_id})
    page = html.unescape(
        client.post(url, {"instruction": "we_handle"}, follow=True).content.decode()
    )
    assert "no longer takes an instruction" in page
    referral.refresh_from_db()
    assert referral.instruction == "handle_for_us"
