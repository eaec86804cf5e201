"""Endpoints that listen for security notices were registered before follow-ups existed: they get
the follow-ups too, since a follow-up completes the notice they asked for (GDPR Art. 33(4))."""

from django.db import migrations

PUBLISHED = "security.notice.published"
FOLLOW_UP = "security.notice.follow_up"


def add_follow_up_event(apps, schema_editor):
    WebhookEndpoint = apps.get_model("notifications", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all().only("pk", "events"):
        if PUBLISHED in endpoint.events and FOLLOW_UP not in endpoint.events:
            endpoint.events = [*endpoint.events, FOLLOW_UP]
            endpoint.save(update_fields=["events"])


def remove_follow_up_event(apps, schema_editor):
    WebhookEndpoint = apps.get_model("notifications", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all().only("pk", "events"):
        if FOLLOW_UP in endpoint.events:
            endpoint.events = [event for event in endpoint.events if event != FOLLOW_UP]
            endpoint.save(update_fields=["events"])


class Migration(migrations.Migration):
    dependencies = [
        ("breaches", "0002_follow_ups"),
        ("notifications", "0003_webhooks"),
    ]

    operations = [migrations.RunPython(add_follow_up_event, remove_follow_up_event)]
