"""The API key services: the plaintext is handed out once and never stored; revoking is audited."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from trustcentre.accounts.api_keys import KEY_PATTERN, api_key_create, api_key_revoke
from trustcentre.accounts.models import ApiKey
from trustcentre.audit.models import AuditEvent


def _all_api_key_values() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiKey._meta.db_table}")  # noqa: S608 (constant table name)
        return [str(value) for row in cursor.fetchall() for value in row]


def test_the_key_has_the_documented_format_and_only_its_hash_is_stored(org_a, admin_a):
    api_key, plaintext = api_key_create(organisation=org_a, name="CRM sync", created_by=admin_a)

    match = KEY_PATTERN.match(plaintext)
    assert match, plaintext
    assert plaintext.startswith(f"tcp_{api_key.prefix}_")
    assert len(api_key.prefix) == 8
    secret = match["secret"]
    assert len(secret) == 43
    assert api_key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()

    stored = _all_api_key_values()
    assert not any(secret in value or plaintext in value for value in stored)
    # Nor in the audit log, whose event names the key by id and prefix only.
    event = AuditEvent.objects.get(action="api_key.created")
    assert event.object_id == str(api_key.public_id)
    assert event.organisation == org_a
    assert event.actor == admin_a
    assert event.details == {"prefix": api_key.prefix}
    assert secret not in str(event.details) and api_key.secret_hash not in str(event.details)


def test_every_key_is_different(org_a, admin_a):
    keys = [api_key_create(organisation=org_a, name=f"k{i}", created_by=admin_a) for i in range(5)]
    assert len({plaintext for _, plaintext in keys}) == 5
    assert len({api_key.prefix for api_key, _ in keys}) == 5


def test_a_name_is_required(org_a, admin_a):
    with pytest.raises(ValidationError) as error:
        api_key_create(organisation=org_a, name="   ", created_by=admin_a)
    assert "name" in error.value.message_dict
    assert not ApiKey.objects.exists()


def test_a_member_cannot_create_or_revoke(org_a, admin_a, member_a):
    with pytest.raises(PermissionDenied):
        api_key_create(organisation=org_a, name="Mine", created_by=member_a)
    api_key, _ = api_key_create(organisation=org_a, name="CRM", created_by=admin_a)
    with pytest.raises(PermissionDenied):
        api_key_revoke(api_key=api_key, revoked_by=member_a)
    api_key.refresh_from_db()
    assert api_key.is_active


def test_another_organisations_admin_cannot_revoke(org_a, admin_a, admin_b):
    api_key, _ = api_key_create(organisation=org_a, name="CRM", created_by=admin_a)
    with pytest.raises(PermissionDenied):
        api_key_revoke(api_key=api_key, revoked_by=admin_b)


def test_revoking_is_audited_once(org_a, admin_a):
    api_key, _ = api_key_create(organisation=org_a, name="CRM", created_by=admin_a)

    api_key_revoke(api_key=api_key, revoked_by=admin_a)
    assert api_key.revoked_at is not None
    with pytest.raises(ValidationError, match="already revoked"):
        api_key_revoke(api_key=api_key, revoked_by=admin_a)

    events = AuditEvent.objects.filter(action="api_key.revoked")
    assert events.count() == 1
    assert events.get().object_id == str(api_key.public_id)
