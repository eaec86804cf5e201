"""The public page and the library cost the same number of queries with 5 and with 200
documents, for an anonymous visitor and for a signed-in prospect with a grant."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.documents.conftest import accept_nda, grant_access
from trustcentre.documents.models import AccessLevel, Document, DocumentVersion

pytestmark = pytest.mark.django_db


def add_documents(category, count):
    """Bulk rows (no files needed: these pages never open a file)."""
    levels = [AccessLevel.PUBLIC, AccessLevel.REGISTERED, AccessLevel.NDA]
    start = Document.objects.count()
    for n in range(start, start + count):
        document = Document.objects.create(
            title=f"Document {n:03}", category=category, access_level=levels[n % 3]
        )
        version = DocumentVersion.objects.create(
            document=document,
            number=1,
            storage_name=f"documents/none-{n}",
            filename="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            published_at=timezone.now(),
        )
        document.current_version = version
        document.save(update_fields=["current_version"])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/documents/", "/api/v1/documents/"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "prospect"])
def test_same_queries_with_5_and_200_documents(
    client,
    url,
    signed_in,
    category,
    prospect,
    legal_user,
    nda_version,
    make_document,
    django_assert_num_queries,
):
    add_documents(category, 5)
    if signed_in:
        nda_document = make_document(AccessLevel.NDA, title="Granted")
        # Newest, so it stays on the API's first page however many are added.
        Document.objects.filter(pk=nda_document.pk).update(
            created_at=timezone.now() + timezone.timedelta(days=1)
        )
        grant_access(prospect, [nda_document], legal_user)
        accept_nda(prospect, nda_version)
        client.force_login(prospect)
    client.get(url)  # warm caches (content types, sessions) before counting
    with_5 = count_queries(client, url)
    add_documents(category, 195)
    assert Document.objects.count() >= 200
    with django_assert_num_queries(with_5):
        response = client.get(url)
    assert response.status_code == 200
