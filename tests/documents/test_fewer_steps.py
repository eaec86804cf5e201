"""Fewer steps for a prospect: what they told us once is filled in for them, documents they can
already open are not offered again, and the approval email asks only for what is missing."""

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.documents.conftest import accept_nda, grant_access
from trustcentre.documents import services
from trustcentre.documents.models import AccessRequest
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(client):
    """Signed up with an email and a password only: no name, no organisation."""
    user = make_user("sam@newco.test")
    client.force_login(user)
    return user


def test_name_and_company_from_the_access_request_fill_in_the_nda(
    client, newcomer, documents, nda_version
):
    form = client.get(reverse("documents_portal:access_request_new")).content.decode()
    assert 'name="name"' in form
    client.post(
        reverse("documents_portal:access_request_new"),
        {
            "documents": [documents["nda"].public_id],
            "name": "Sam Newman",
            "company": "NewCo Ltd",
            "reason": "Vendor review",
        },
    )
    assert AccessRequest.objects.get(requester=newcomer).company == "NewCo Ltd"
    newcomer.refresh_from_db()
    assert newcomer.full_name == "Sam Newman"

    nda_page = client.get(reverse("documents_portal:nda_accept")).content.decode()
    assert 'name="signer_name" value="Sam Newman"' in nda_page
    assert 'name="company" value="NewCo Ltd"' in nda_page
    # The next request comes filled in as well.
    form = client.get(reverse("documents_portal:access_request_new")).content.decode()
    assert 'name="name" value="Sam Newman"' in form
    assert 'name="company" value="NewCo Ltd"' in form


def test_a_name_given_later_never_overwrites_the_accounts_name(prospect, documents):
    services.access_request_create(
        user=prospect,
        documents=[documents["nda"]],
        name="Someone Else",
        company="Initech",
        reason="Review",
    )
    prospect.refresh_from_db()
    assert prospect.full_name == "Pat Prospect"


def test_documents_the_person_can_already_open_are_not_offered(
    client, prospect, documents, make_document, legal_user
):
    other = make_document(title="Another NDA report")
    grant_access(prospect, [documents["nda"]], legal_user)
    client.force_login(prospect)
    form = client.get(reverse("documents_portal:access_request_new")).content.decode()
    assert f'value="{other.public_id}"' in form
    assert f'value="{documents["nda"].public_id}"' not in form
    # A registered-users document opens with a verified email: nothing to ask for.
    assert f'value="{documents["registered"].public_id}"' not in form

    requests_before = AccessRequest.objects.count()
    response = client.post(
        reverse("documents_portal:access_request_new"),
        {"documents": [documents["nda"].public_id], "company": "Initech", "reason": "Again"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert AccessRequest.objects.count() == requests_before


def test_with_everything_open_the_form_says_so(client, prospect, documents, legal_user):
    grant_access(prospect, [documents["nda"]], legal_user)
    client.force_login(prospect)
    page = client.get(reverse("documents_portal:access_request_new")).content.decode()
    assert "You can already open every document we share on request." in page
    assert "Send the request" not in page


def test_the_approval_email_greets_by_name_and_skips_an_nda_already_accepted(
    prospect, documents, make_document, legal_user, nda_version
):
    accept_nda(prospect, nda_version)
    access_request = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="Initech", reason="Review"
    )
    services.access_request_approve(access_request=access_request, user=legal_user, term_days=90)
    mail = OutboxMessage.objects.get(cause=f"access_request.approved:{access_request.public_id}")
    assert mail.body_text.startswith("Hello Pat Prospect,")
    assert "non-disclosure agreement" not in mail.body_text
    assert "non-disclosure agreement" not in mail.body_html


def test_the_approval_email_asks_for_the_nda_when_none_is_accepted(
    prospect, documents, legal_user, nda_version
):
    access_request = services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="Initech", reason="Review"
    )
    services.access_request_approve(access_request=access_request, user=legal_user, term_days=90)
    mail = OutboxMessage.objects.get(cause=f"access_request.approved:{access_request.public_id}")
    assert "accepted our non-disclosure agreement" in mail.body_text
