"""Legal writes the register's statements on staff pages: each save is a new published version
with its date, audited, the public pages renewed, DPA-update subscribers told when asked; bad
input (an unknown method or category) changes nothing; only legal may do it."""

import io

import pytest
from django.core.exceptions import ValidationError

from exports import statements
from exports.statements import StatementKind
from exports.statements_demo import seed as seed_statements
from exports.statements_models import GovernmentAccessMeasure, RegisterVersion, SwitchingMethod
from subprocessors.models import Subscription
from tests.conftest import login_with_second_factor, make_user
from tests.exports.test_register_appendix import seed_controls
from trustcentre.audit.models import AuditEvent
from trustcentre.notifications.models import OutboxMessage
from trustcentre.pages.models import PublicContentVersion

pytestmark = pytest.mark.django_db
HOME = "/staff/data-act/"


@pytest.fixture
def published(db):
    seed_controls()
    seed_statements(io.StringIO())
    return RegisterVersion.objects.get()


def register(client) -> dict:
    return client.get("/api/v1/data-act/register/").json()


def test_a_measure_edited_by_legal_is_a_new_version_with_its_date(
    staff_client, client, legal_user, published
):
    Subscription.objects.create(
        email="watcher@example.test", topics=["dpa_updates"], status=Subscription.Status.VERIFIED
    )
    Subscription.objects.create(
        email="other@example.test",
        topics=["subprocessor_changes"],
        status=Subscription.Status.VERIFIED,
    )
    edition = PublicContentVersion.objects.get(pk=1).token
    measure = GovernmentAccessMeasure.objects.get(title="Encryption at rest")
    page = staff_client.get(f"{HOME}measures/{measure.public_id}/")
    assert page.status_code == 200 and "Encryption at rest" in page.content.decode()

    response = staff_client.post(
        f"{HOME}measures/{measure.public_id}/",
        {
            "title": "Encryption at rest",
            "description": "AES-256 on every disk, backup and export archive.",
            "control": measure.control.pk,
            "order": measure.order,
            "summary": "Names the cipher.",
            "notify": "on",
        },
    )

    assert response.status_code == 302 and response["Location"] == HOME
    version = RegisterVersion.objects.get(number=2)
    assert version.published_by == legal_user
    body = register(client)
    assert body["version"] == 2
    assert body["updated_at"] == version.published_at.isoformat().replace("+00:00", "Z")
    assert [v["version"] for v in body["versions"]] == [2, 1]
    assert body["versions"][0]["changes"] == (
        "Government-access measure “Encryption at rest” changed. Names the cipher."
    )
    (shown,) = [m for m in body["government_access_measures"] if m["title"] == measure.title]
    assert shown["description"] == "AES-256 on every disk, backup and export archive."
    assert shown["control"]["title"] == "Encryption at rest"
    # The earlier version keeps what it said.
    (before,) = [
        m for m in published.snapshot["government_access_measures"] if m["title"] == measure.title
    ]
    assert before["description"] != shown["description"]
    html = client.get("/data-act/").content.decode()
    assert "AES-256 on every disk" in html and 'id="version-2"' in html
    assert f'<time datetime="{body["updated_at"]}">' in html
    home = staff_client.get(HOME).content.decode()
    assert "Published version: 2" in home and "Names the cipher." in home
    event = AuditEvent.objects.get(
        action="data_act.register_published", object_id=str(version.public_id)
    )
    assert event.actor == legal_user and event.details == {"number": 2, "recipients": 1}
    (mail,) = OutboxMessage.objects.filter(cause=f"data-act-register-published:{version.public_id}")
    assert mail.to_email == "watcher@example.test"
    assert "version 2 of its Data Act register" in mail.subject
    assert "Names the cipher." in mail.body_text and "Names the cipher." in mail.body_html
    assert "List-Unsubscribe" in mail.headers
    assert PublicContentVersion.objects.get(pk=1).token != edition


def test_without_notify_no_one_is_emailed(staff_client, published):
    Subscription.objects.create(
        email="watcher@example.test", topics=["dpa_updates"], status=Subscription.Status.VERIFIED
    )
    response = staff_client.post(
        f"{HOME}switching/new/",
        {
            "method": "own_infrastructure",
            "available": "on",
            "limitations": "",
            "notes": "Export, then import on your own servers.",
            "categories": ["leads", "analytical_reports"],
            "order": 5,
        },
    )
    assert response.status_code == 302
    row = SwitchingMethod.objects.get(method="own_infrastructure")
    assert row.categories == ["leads", "analytical_reports"]
    assert RegisterVersion.objects.latest("number").number == 2
    assert not OutboxMessage.objects.exists()


def test_an_unknown_method_or_category_is_refused_and_nothing_changes(staff_client, published):
    before = SwitchingMethod.objects.count()
    response = staff_client.post(
        f"{HOME}switching/new/",
        {"method": "carrier_pigeon", "notes": "x", "order": 1, "categories": ["audit_log"]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert "Unknown method: carrier_pigeon." in html
    assert "Unknown category: audit_log." in html
    assert SwitchingMethod.objects.count() == before
    assert RegisterVersion.objects.count() == 1

    # The service holds the same rules whoever calls it.
    legal = make_user("legal2@provider.test", roles=["legal"])
    for data, message in (
        ({"method": "carrier_pigeon"}, "Unknown method: carrier_pigeon"),
        ({"method": "api", "categories": ["audit_log"]}, "Unknown category: audit_log"),
    ):
        with pytest.raises(ValidationError) as refused:
            statements.statement_save(
                kind=StatementKind.SWITCHING, user=legal, data={"notes": "x", **data}
            )
        assert message in str(refused.value)
    with pytest.raises(ValidationError, match="a category the register exports"):
        statements.statement_save(
            kind=StatementKind.EXCLUDED,
            user=legal,
            data={"slug": "leads", "name": "Leads", "description": "x", "justification": "y"},
        )
    assert RegisterVersion.objects.count() == 1
    assert SwitchingMethod.objects.count() == before


def test_removing_a_row_is_a_version_too_and_custom_exports_are_edited(staff_client, published):
    row = SwitchingMethod.objects.get(method="provider_to_provider")
    confirm = staff_client.get(f"{HOME}switching/{row.public_id}/remove/")
    assert "Migration between other providers" in confirm.content.decode()
    assert staff_client.post(f"{HOME}switching/{row.public_id}/remove/").status_code == 302
    assert not SwitchingMethod.objects.filter(method="provider_to_provider").exists()
    assert RegisterVersion.objects.get(number=2).changes == (
        "Switching method “Migration between other providers” removed"
    )
    response = staff_client.post(
        f"{HOME}custom-exports/",
        {
            "statement": "Custom exports on request, priced individually.",
            "support_route": "Open a ticket in the portal.",
            "support_email": "help@northwind.example",
            "support_url": "northwind.example/help",
        },
    )
    assert response.status_code == 302
    custom = RegisterVersion.objects.get(number=3).snapshot["custom_exports"]
    assert custom["support_url"] == "https://northwind.example/help"
    assert custom["statement"] == "Custom exports on request, priced individually."


def test_only_legal_edits_the_statements(client, dpo_user, published):
    login_with_second_factor(client, dpo_user)
    measure = GovernmentAccessMeasure.objects.first()
    for url in (HOME, f"{HOME}measures/{measure.public_id}/", f"{HOME}custom-exports/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{HOME}measures/new/", {"title": "x"}).status_code == 403
    with pytest.raises(statements.StatementNotAllowed):
        statements.statement_save(
            kind=StatementKind.MEASURES, user=dpo_user, data={"title": "x", "description": "y"}
        )
    assert AuditEvent.objects.filter(action="authz.denied", actor=dpo_user).exists()
    assert RegisterVersion.objects.count() == 1


def test_an_unknown_kind_or_row_is_404(staff_client, published):
    assert staff_client.get(f"{HOME}retention/new/").status_code == 404
    assert (
        staff_client.get(f"{HOME}measures/00000000-0000-0000-0000-000000000000/").status_code == 404
    )
