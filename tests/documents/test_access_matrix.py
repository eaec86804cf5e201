"""Every access level against every kind of person, through the pages a person uses: the
document page offers a download link or says what is missing, and the download view (which
checks again at the moment of download) serves the file or refuses it."""

import pytest
from django.utils import timezone

from tests.conftest import login_with_second_factor
from tests.documents.conftest import accept_nda, grant_access, long_ago
from trustcentre.documents import services
from trustcentre.documents.access import download_decision
from trustcentre.documents.models import AccessLevel
from trustcentre.documents.views import download_url

pytestmark = pytest.mark.django_db

OK, NO = 200, 403


def _anonymous(client, **_):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _prospect_without_grant(client, prospect, nda_version, **_):
    accept_nda(prospect, nda_version)
    client.force_login(prospect)
    return prospect


def _prospect_with_expired_nda(client, prospect, nda_version, legal_user, documents, **_):
    grant_access(prospect, [documents["nda"], documents["registered"]], legal_user)
    accept_nda(prospect, nda_version, accepted_at=long_ago(400))
    client.force_login(prospect)
    return prospect


def _prospect_with_grant(client, prospect, nda_version, legal_user, documents, **_):
    grant_access(prospect, [documents["nda"], documents["registered"]], legal_user)
    accept_nda(prospect, nda_version)
    client.force_login(prospect)
    return prospect


def _prospect_with_grant_but_no_nda(client, prospect, legal_user, documents, **_):
    grant_access(prospect, [documents["nda"]], legal_user)
    client.force_login(prospect)
    return prospect


def _prospect_revoked(client, prospect, nda_version, legal_user, documents, **_):
    grant = grant_access(prospect, [documents["nda"]], legal_user)
    accept_nda(prospect, nda_version)
    services.grant_revoke(grant=grant, user=legal_user, reason="Deal lost")
    client.force_login(prospect)
    return prospect


def _prospect_grant_expired(client, prospect, nda_version, legal_user, documents, **_):
    grant = grant_access(prospect, [documents["nda"]], legal_user)
    grant.expires_at = timezone.now() - timezone.timedelta(seconds=1)
    grant.save()
    accept_nda(prospect, nda_version)
    client.force_login(prospect)
    return prospect


def _customer(client, customer_user, nda_version, documents, **_):
    # Approved by the customer rule, and the NDA accepted.
    grant = grant_access(customer_user, [documents["nda"]], None)
    assert grant.access_request.rule == "customer"
    accept_nda(customer_user, nda_version)
    client.force_login(customer_user)
    return customer_user


def _customer_without_nda(client, customer_user, documents, **_):
    grant_access(customer_user, [documents["nda"]], None)
    client.force_login(customer_user)
    return customer_user


def _staff(client, legal_user, **_):
    login_with_second_factor(client, legal_user)
    return legal_user


# actor -> expected download status per level: public, registered, nda, private
MATRIX = {
    _anonymous: (OK, NO, NO, 404),
    _prospect_without_grant: (OK, OK, NO, 404),
    _prospect_with_expired_nda: (OK, OK, NO, 404),
    _prospect_with_grant: (OK, OK, OK, 404),
    _prospect_with_grant_but_no_nda: (OK, OK, NO, 404),
    _prospect_revoked: (OK, OK, NO, 404),
    _prospect_grant_expired: (OK, OK, NO, 404),
    _customer: (OK, OK, OK, 404),
    _customer_without_nda: (OK, OK, NO, 404),
    _staff: (OK, OK, OK, OK),
}
LEVELS = [AccessLevel.PUBLIC, AccessLevel.REGISTERED, AccessLevel.NDA, AccessLevel.PRIVATE]
CASES = [
    pytest.param(actor, level, expected[i], id=f"{actor.__name__[1:]}-{level}")
    for actor, expected in MATRIX.items()
    for i, level in enumerate(LEVELS)
]


@pytest.mark.parametrize(("actor", "level", "expected"), CASES)
def test_download_matrix(
    client, actor, level, expected, documents, prospect, customer_user, nda_version, legal_user
):
    user = actor(
        client=client,
        prospect=prospect,
        customer_user=customer_user,
        nda_version=nda_version,
        legal_user=legal_user,
        documents=documents,
    )
    document = documents[level]
    # The link as the page would give it, had the page offered one: the view must still check.
    response = client.get(download_url(document.current_version, user))
    assert response.status_code == expected
    if expected == OK:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content.startswith(b"%PDF-")
    else:
        assert not response.content.startswith(b"%PDF-")
    detail = client.get(f"/documents/{document.public_id}/")
    if expected == 404:
        assert detail.status_code == 404
    else:
        assert detail.status_code == 200
        offers_link = b"data-download" in detail.content
        assert offers_link == (expected == OK)


def test_the_page_says_what_is_missing(client, documents, prospect, legal_user):
    page = client.get(f"/documents/{documents['nda'].public_id}/")
    assert "Sign in" in page.content.decode()
    client.force_login(prospect)
    page = client.get(f"/documents/{documents['nda'].public_id}/")
    assert "Request access" in page.content.decode()
    grant_access(prospect, [documents["nda"]], legal_user)
    page = client.get(f"/documents/{documents['nda'].public_id}/")
    assert "Read and accept the NDA" in page.content.decode()


def test_staff_without_the_second_factor_are_not_staff_here(documents, legal_user):
    legal_user.is_verified = lambda: False
    assert not download_decision(legal_user, documents["private"]).allowed
    assert download_decision(legal_user, documents["private"]).not_found


def test_a_pending_request_is_shown_instead_of_a_new_one(client, documents, prospect):
    services.access_request_create(
        user=prospect, documents=[documents["nda"]], company="Initech", reason="Review"
    )
    client.force_login(prospect)
    page = client.get(f"/documents/{documents['nda'].public_id}/").content.decode()
    assert "Waiting for review" in page
    assert "Request access" not in page
