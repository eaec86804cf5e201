"""An event caused through the API names the key, not a user."""

import pytest

from trustcentre.accounts.api_auth import ApiClient
from trustcentre.accounts.api_keys import api_key_create
from trustcentre.audit.services import audit_record


@pytest.mark.django_db
def test_api_key_caller_is_recorded_by_key_prefix_and_organisation(org_a):
    api_key, _plaintext = api_key_create(organisation=org_a, name="CRM sync")
    event = audit_record(action="export.requested", actor=ApiClient(api_key))
    assert event.actor is None
    assert event.actor_label == f"api-key:{api_key.prefix}"
    assert event.organisation == org_a
