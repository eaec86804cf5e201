"""Endpoints registered for security notices before follow-ups existed get the follow-up event
too (the migration adds it), so a follow-up reaches every integration that had the notice."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("breaches", "0002_follow_ups")]
AFTER = [("breaches", "0003_security_notice_webhooks_get_follow_ups")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_security_notice_endpoints_get_the_follow_up_event(org_a):
    apps = migrate(BEFORE)
    endpoints = apps.get_model("notifications", "WebhookEndpoint").objects
    notices = endpoints.create(
        organisation_id=org_a.pk,
        url="https://hooks.acme.test/notices",
        events=["security.notice.published"],
        secret="whsec_x",
    )
    other = endpoints.create(
        organisation_id=org_a.pk,
        url="https://hooks.acme.test/other",
        events=["subprocessor.change.announced"],
        secret="whsec_y",
    )
    try:
        apps = migrate(AFTER)
    finally:
        migrate(executor_leaf_nodes())
    endpoints = apps.get_model("notifications", "WebhookEndpoint").objects
    assert endpoints.get(pk=notices.pk).events == [
        "security.notice.published",
        "security.notice.follow_up",
    ]
    assert endpoints.get(pk=other.pk).events == ["subprocessor.change.announced"]


def executor_leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
