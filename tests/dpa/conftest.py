import time

import pytest

from tests.conftest import login_with_second_factor
from tests.dpa.factories import make_controls, make_subprocessors, make_version
from trustcentre.accounts.mfa import VERIFIED_AT_SESSION_KEY


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture
def annex_data(db):
    return {"controls": make_controls(3), "list_version": make_subprocessors(3)}


@pytest.fixture
def version(annex_data):
    return make_version()


@pytest.fixture
def admin_client(client, admin_a):
    """Admin A signed in with a verified TOTP device (as the middleware demands)."""
    device = login_with_second_factor(client, admin_a)
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = time.time()
    session.save()
    client.device = device
    return client
