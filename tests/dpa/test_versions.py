"""Legal drafts a version, is refused unsafe bodies, previews the PDF, publishes: the version is
frozen and every subscriber and customer admin gets one notice with the summary of changes."""

import pytest
from django.urls import reverse

from dpa import services
from dpa.models import DpaVersion, Frozen
from subprocessors.models import Subscription
from tests.conftest import add_member, make_organisation, make_user
from tests.dpa.factories import BODY, make_version
from trustcentre.accounts.models import Membership
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage, WebhookEndpoint, WebhookMessage

pytestmark = pytest.mark.django_db


def _form(**overrides):
    return {
        "title": "Data Processing Agreement",
        "body": BODY,
        "summary_of_changes": "Annex III now lists transfers.",
        "objection_window_days": 30,
        "subject_matter": "Analytics",
        "duration": "Term of the contract",
        "nature_and_purpose": "Providing the service",
        "data_categories": "Usage data",
        "data_subjects": "Visitors",
        **overrides,
    }


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("Hello <script>alert(1)</script>", "&lt;script&gt;"),
        ('<p onclick="steal()">Hi</p>', "onclick"),
        ("[click](javascript:alert(1))", "&lt;a&gt; href"),
        ("<iframe src='https://evil.test'></iframe>", "&lt;iframe&gt;"),
    ],
)
def test_a_body_with_script_or_unsafe_html_is_refused_naming_it(staff_client, body, named):
    response = staff_client.post(reverse("dpa_staff:version_create"), _form(body=body))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unsafe or unsupported HTML is not allowed" in page
    assert named in page
    assert not DpaVersion.objects.exists()
    assert AuditEvent.objects.filter(action="dpa.template_refused").count() == 1


def test_the_service_refuses_and_audits_an_unsafe_body(legal_user):
    with pytest.raises(services.TemplateRefused) as refused:
        services.version_create(user=legal_user, data=_form(body="Hi <script>x()</script>"))
    assert "Unsafe or unsupported HTML is not allowed" in refused.value.message
    assert not DpaVersion.objects.exists()
    assert AuditEvent.objects.filter(action="dpa.template_refused").count() == 1


def test_an_unsafe_body_is_refused_when_editing_a_draft(staff_client, legal_user):
    draft = services.version_create(user=legal_user, data=_form())
    response = staff_client.post(
        reverse("dpa_staff:version_edit", args=[draft.public_id]),
        _form(body='<p onclick="steal()">Hi</p>'),
    )
    assert response.status_code == 400
    assert "onclick" in response.content.decode()
    draft.refresh_from_db()
    assert draft.body == BODY
    assert (
        AuditEvent.objects.filter(
            action="dpa.template_refused", object_id=str(draft.public_id)
        ).count()
        == 1
    )


def test_an_unknown_placeholder_is_refused_naming_it(staff_client):
    response = staff_client.post(
        reverse("dpa_staff:version_create"), _form(body="Signed by {ceo_name}.")
    )
    assert response.status_code == 400
    assert "Unknown placeholder {ceo_name}" in response.content.decode()
    assert not DpaVersion.objects.exists()


def test_staff_input_never_reaches_the_template_engine(staff_client, annex_data):
    staff_client.post(
        reverse("dpa_staff:version_create"),
        _form(body="Secret: {{ settings.SECRET_KEY }} {% debug %}"),
    )
    version = DpaVersion.objects.get()
    pdf = services.version_preview_pdf(version)
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "{% debug %}" in text


def test_legal_previews_a_draft_as_pdf_then_publishes_and_everyone_is_told(
    staff_client, legal_user, annex_data, org_a, admin_a, member_a
):
    Subscription.objects.create(
        email="watcher@example.test",
        topics=["dpa_updates"],
        status=Subscription.Status.VERIFIED,
    )
    Subscription.objects.create(
        email=admin_a.email, topics=["dpa_updates"], status=Subscription.Status.VERIFIED
    )
    other = make_organisation("hooli")
    add_member(make_user("boss@hooli.test"), other, Membership.Role.ADMIN)
    endpoint = WebhookEndpoint.objects.create(
        organisation=org_a,
        url="https://hooks.acme.test/dpa",
        secret="whsec_dGVzdA==",
        events=["dpa.version.published"],
    )
    staff_client.post(reverse("dpa_staff:version_create"), _form())
    version = DpaVersion.objects.get()
    assert version.status == "draft" and version.number is None

    preview = staff_client.get(reverse("dpa_staff:version_preview", args=[version.public_id]))
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF-")
    assert preview["Content-Disposition"] == 'inline; filename="DPA-draft-preview.pdf"'
    assert "no-store" in preview["Cache-Control"]
    assert preview["Referrer-Policy"] == "no-referrer"
    assert preview["Content-Security-Policy"] == "sandbox; default-src 'none'"

    published = staff_client.post(
        reverse("dpa_staff:version_publish", args=[version.public_id]), follow=True
    )
    assert "Version 1 is published" in published.content.decode()
    version.refresh_from_db()
    assert (version.status, version.number) == ("published", 1)
    mails = OutboxMessage.objects.filter(cause=f"dpa-version-published:{version.public_id}")
    recipients = sorted(mails.values_list("to_email", flat=True))
    assert recipients == ["admin@acme.test", "boss@hooli.test", "watcher@example.test"]
    for mail in mails:
        assert "Annex III now lists transfers." in mail.body_text
        assert "Annex III now lists transfers." in mail.body_html
    assert "List-Unsubscribe" in mails.get(to_email="watcher@example.test").headers
    assert (
        WebhookMessage.objects.filter(endpoint=endpoint, event_type="dpa.version.published").count()
        == 1
    )
    assert AuditEvent.objects.filter(action="dpa.version_published").count() == 1


def test_a_published_version_is_frozen_everywhere(staff_client, legal_user, annex_data):
    version = make_version()
    version.body = "Changed"
    with pytest.raises(Frozen):
        version.save()
    with pytest.raises(Frozen):
        version.delete()
    with pytest.raises(services.DpaRefused):
        services.version_update(version=version, user=legal_user, data={"body": "Changed"})
    assert AuditEvent.objects.filter(action="dpa.change_refused").exists()
    response = staff_client.post(
        reverse("dpa_staff:version_edit", args=[version.public_id]), _form(body="Changed")
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.body == BODY


def test_publishing_needs_a_summary_of_changes(legal_user, annex_data):
    version = services.version_create(user=legal_user, data=_form(summary_of_changes=""))
    with pytest.raises(services.DpaRefused, match="summary"):
        services.version_publish(version=version, user=legal_user)
    version.refresh_from_db()
    assert version.status == "draft"
    assert not OutboxMessage.objects.exists()


def test_only_legal_drafts_versions(dpo_user, client):
    from tests.conftest import login_with_second_factor

    login_with_second_factor(client, dpo_user)
    assert client.get(reverse("dpa_staff:home")).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.version_create(user=dpo_user, data=_form())
