"""Private storage in a temp folder, a legal user, and the clients of the people in the
request's story: the customer's admin, a member, another organisation's admin, legal."""

import pytest
from django.test import Client

from tests.conftest import login_with_second_factor, make_user, sign_in_with_password
from tests.conftest import sign_in_with_password_and_code as admin_sign_in
from tests.documents.conftest import accept_nda, make_pdf, upload  # noqa: F401
from trustcentre.documents import services as document_services


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    return private


@pytest.fixture
def lena(db):
    return make_user("lena@provider.test", roles=["legal"], full_name="Lena Legal")


@pytest.fixture
def legal_client(lena):
    client = Client()
    login_with_second_factor(client, lena)
    return client


@pytest.fixture
def admin_client(admin_a):
    client = Client()
    admin_sign_in(client, admin_a)
    return client


@pytest.fixture
def member_client(member_a):
    client = Client()
    sign_in_with_password(client, member_a)
    return client


@pytest.fixture
def admin_b_client(admin_b):
    client = Client()
    admin_sign_in(client, admin_b)
    return client


@pytest.fixture
def nda_version(db):
    return document_services.nda_version_publish(
        user=None, title="Mutual NDA", text="1. Keep it secret.\n2. Keep it safe."
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`commit(client.post, url, data)`: the request, then what its transaction runs once
    committed (the outbox delivers its emails), as in production."""

    def run(method, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return run
