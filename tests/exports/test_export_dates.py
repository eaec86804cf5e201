"""An export's times read the same on its page, in its email and on the portal home: the
provider's zone, labelled, in the one date format; and a ready export is a to-do item."""

import pytest
from django.utils import timezone

from tests.conftest import login_with_second_factor
from trustcentre.lib.moments import format_moment
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_the_ready_email_gives_the_deletion_time_in_the_provider_zone(completed_export, admin_a):
    message = OutboxMessage.objects.get(to_email=admin_a.email, template__contains="export_ready")
    expires = format_moment(completed_export.expires_at)

    assert expires.endswith(timezone.localtime(completed_export.expires_at).strftime("%Z"))
    assert f"The archive is deleted after {expires}." in message.body_text
    assert expires in message.body_html
    assert " UTC" not in message.body_text


def test_the_export_page_and_the_portal_home_show_the_same_times(
    client, completed_export, admin_a, org_a
):
    login_with_second_factor(client, admin_a)

    page = client.get(f"/portal/exports/{org_a.slug}/{completed_export.public_id}/").content
    home = client.get("/portal/").content.decode()

    assert f"Export of {format_moment(completed_export.created_at)}" in page.decode()
    assert format_moment(completed_export.expires_at) in page.decode()
    assert "Your data export is ready to download" in home
    assert f"Available until: <strong>{format_moment(completed_export.expires_at)}</strong>" in home
