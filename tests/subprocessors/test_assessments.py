"""Sub-processor assessments: legal records one per sub-processor (areas, result, evidence, next
review) on staff pages; an addition cannot be announced without one; customers see the last
one's date and result on the register; its next review comes up on the review cadence."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from subprocessors import services
from subprocessors.models import Assessment, AssessmentEvidence, ChangeNotice, SubProcessor
from tests.conftest import login_with_second_factor, make_user
from tests.subprocessors.assessing import AREAS, assess
from tests.subprocessors.conftest import earliest_effective, make_subprocessor
from trustcentre.audit.models import AuditEvent
from trustcentre.content.services import review_reminders_send, reviews_due
from trustcentre.notifications.models import OutboxMessage


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


@pytest.fixture
def unassessed(register):
    return make_subprocessor("Crunchy", status=SubProcessor.Status.PROPOSED, countries=["US"])


def _form(**overrides):
    values = {"assessed_on": timezone.localdate().isoformat(), "result": "approved", **AREAS}
    values.update(overrides)
    return values


def test_a_notice_adding_an_unassessed_subprocessor_is_refused(unassessed, legal_user, org_a):
    notice = services.notice_create(
        kind="add", subprocessor=unassessed, summary="Crunchy", reason="Numbers", user=legal_user
    )
    with pytest.raises(services.NoticeStateError, match="Crunchy has no completed assessment"):
        services.notice_announce(
            notice=notice, effective_date=earliest_effective(), user=legal_user
        )
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.DRAFT and notice.announced_at is None
    assert not notice.recipients.exists()
    assert not AuditEvent.objects.filter(action="subprocessor.notice_announced").exists()


def test_legal_sees_the_refusal_on_the_notice_page_and_can_announce_once_assessed(
    staff_client, unassessed, legal_user, org_a
):
    notice = services.notice_create(
        kind="add", subprocessor=unassessed, summary="Crunchy", reason="Numbers", user=legal_user
    )
    page = staff_client.get(f"/staff/subprocessors/notices/{notice.public_id}/").content.decode()
    assert "Crunchy has not been assessed" in page
    url = f"/staff/subprocessors/notices/{notice.public_id}/announce/"
    response = staff_client.post(url, {"effective_date": earliest_effective().isoformat()})
    assert response.status_code == 400
    assert "Crunchy has no completed assessment" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "draft"

    assess(unassessed, assessor=legal_user)
    response = staff_client.post(url, {"effective_date": earliest_effective().isoformat()})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "announced"


def test_an_assessment_that_rejected_the_subprocessor_does_not_clear_it(
    unassessed, legal_user, org_a
):
    assess(unassessed, assessor=legal_user, result="rejected")
    notice = services.notice_create(
        kind="add", subprocessor=unassessed, summary="Crunchy", reason="Numbers", user=legal_user
    )
    with pytest.raises(services.NoticeStateError, match="rejected it"):
        services.notice_announce(
            notice=notice, effective_date=earliest_effective(), user=legal_user
        )
    assert ChangeNotice.objects.get(pk=notice.pk).status == "draft"


def test_an_assessment_without_a_result_is_refused_with_a_clear_message(
    staff_client, unassessed, legal_user
):
    with pytest.raises(ValidationError) as refusal:
        services.assessment_record(
            subprocessor=unassessed,
            assessor=legal_user,
            assessed_on=timezone.localdate(),
            result="",
            **AREAS,
        )
    assert refusal.value.message_dict["result"] == [
        "Give the assessment's result: approved, conditional or rejected."
    ]
    url = f"/staff/subprocessors/register/{unassessed.public_id}/assessments/new/"
    response = staff_client.post(url, _form(result="", resilience="", assessed_on=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give the day of the assessment." in page  # every missing part named at once
    assert "Give the assessment&#x27;s result: approved, conditional or rejected." in page
    assert "Say what was found about resilience." in page
    assert not Assessment.objects.exists()
    assert not AuditEvent.objects.filter(action="subprocessor.assessment_recorded").exists()


def test_legal_records_reads_corrects_and_deletes_an_assessment_with_evidence(
    staff_client, client, unassessed, legal_user, settings, tmp_path
):
    new_url = f"/staff/subprocessors/register/{unassessed.public_id}/assessments/new/"
    assert "Record an assessment" in staff_client.get(new_url).content.decode()
    evidence = SimpleUploadedFile("iso-cert.pdf", PDF, content_type="application/pdf")
    response = staff_client.post(new_url, {**_form(result="conditional"), "evidence": evidence})
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.assessor == legal_user and assessment.result == "conditional"
    assert assessment.next_review_on > assessment.assessed_on  # one interval later by default
    assert AuditEvent.objects.filter(action="subprocessor.assessment_recorded").count() == 1

    page = staff_client.get(response["Location"]).content.decode()
    assert "Conditional" in page and "iso-cert.pdf" in page
    stored = AssessmentEvidence.objects.get()
    token = services.evidence_token(stored, legal_user)
    download = staff_client.get(f"/staff/subprocessors/assessments/evidence/{token}/")
    assert download.status_code == 200 and download.content == PDF
    assert "no-store" in download["Cache-Control"]
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="subprocessor.assessment_evidence_downloaded", details__sha256=stored.sha256
    ).exists()
    # A link is the person's own and expires.
    other = make_user("legal2@provider.test", roles=["legal"])
    other_client = type(client)()
    login_with_second_factor(other_client, other)
    assert (
        other_client.get(f"/staff/subprocessors/assessments/evidence/{token}/").status_code == 404
    )
    settings.TRUST_DOWNLOAD_LINK_MAX_AGE = -1
    assert (
        staff_client.get(f"/staff/subprocessors/assessments/evidence/{token}/").status_code == 404
    )
    settings.TRUST_DOWNLOAD_LINK_MAX_AGE = 600

    detail = f"/staff/subprocessors/assessments/{assessment.public_id}/"
    response = staff_client.post(detail, _form(result="approved", certifications="SOC 2 Type II"))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.result == "approved" and assessment.certifications == "SOC 2 Type II"
    assert AuditEvent.objects.filter(action="subprocessor.assessment_changed").count() == 1
    listing = staff_client.get(
        f"/staff/subprocessors/register/{unassessed.public_id}/assessments/"
    ).content.decode()
    assert "Approved" in listing

    response = staff_client.post(f"{detail}delete/")
    assert response.status_code == 302
    assert not Assessment.objects.exists() and not AssessmentEvidence.objects.exists()
    assert AuditEvent.objects.filter(action="subprocessor.assessment_deleted").count() == 1


def test_customers_see_the_last_assessment_date_and_result_on_the_register(
    client, register, legal_user
):
    hosting = register["hosting"]
    assess(hosting, assessor=legal_user, assessed_on=datetime.date(2026, 3, 2), result="rejected")
    assess(hosting, assessor=legal_user, assessed_on=datetime.date(2026, 9, 14))
    page = client.get("/subprocessors/").content.decode()
    assert "Last assessment" in page
    assert "14 Sep 2026: " in page and "Approved" in page
    assert "2 Mar 2026" not in page
    assert "Not yet assessed" in page  # the others


def test_an_assessment_due_for_review_reminds_its_assessor(register, legal_user):
    today = timezone.localdate()
    assess(
        register["mail"],
        assessor=legal_user,
        assessed_on=today - datetime.timedelta(days=360),
        next_review_on=today + datetime.timedelta(days=5),
    )
    assess(register["hosting"], assessor=legal_user)  # next review a year away
    items = reviews_due()
    assert [(item.kind_label, item.title) for item in items] == [
        ("Sub-processor assessment", "Assessment of Mailer")
    ]
    assert items[0].url.endswith(f"/{register['mail'].public_id}/assessments/new/")
    assert review_reminders_send() == 1
    mail = OutboxMessage.objects.get(to_email=legal_user.email)
    assert "Assessment of Mailer" in mail.body_text


def test_the_reviews_page_links_to_the_next_assessment(staff_client, register, legal_user):
    today = timezone.localdate()
    assess(
        register["mail"],
        assessor=legal_user,
        assessed_on=today - datetime.timedelta(days=400),
        next_review_on=today - datetime.timedelta(days=1),
    )
    page = staff_client.get("/staff/trust-centre/reviews/").content.decode()
    assert "Assessment of Mailer" in page and "Overdue" in page
    assert f"/staff/subprocessors/register/{register['mail'].public_id}/assessments/new/" in page
