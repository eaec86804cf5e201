"""manage.py create_api_key ORG_SLUG [--name NAME]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.api.conftest import bearer
from trustcentre.accounts.models import ApiKey
from trustcentre.audit.models import AuditEvent


def test_prints_a_working_key_once(client, org_a):
    out, err = StringIO(), StringIO()
    call_command("create_api_key", "acme", "--name", "Data warehouse", stdout=out, stderr=err)

    plaintext = out.getvalue().strip()
    assert plaintext.startswith("tcp_")
    assert "\n" not in plaintext  # the key alone on stdout, for scripts
    assert "shown only now" in err.getvalue()
    assert plaintext not in err.getvalue()

    api_key = ApiKey.objects.get()
    assert api_key.name == "Data warehouse"
    assert api_key.organisation == org_a
    assert api_key.created_by is None
    assert plaintext.split("_", 2)[2] not in api_key.secret_hash

    response = client.get("/api/v1/organisation/", **bearer(plaintext))
    assert response.status_code == 200
    assert response.json()["slug"] == "acme"

    event = AuditEvent.objects.get(action="api_key.created")
    assert event.actor is None and event.actor_label == "manage.py create_api_key"


def test_the_name_has_a_default(org_a):
    call_command("create_api_key", "acme", stdout=StringIO(), stderr=StringIO())
    assert ApiKey.objects.get().name == "Command line"


def test_an_unknown_slug_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No organisation has the slug 'nope'"):
        call_command("create_api_key", "nope", stdout=StringIO(), stderr=StringIO())
    assert not ApiKey.objects.exists()
