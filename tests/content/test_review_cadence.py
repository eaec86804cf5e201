"""Every document, FAQ entry and control has an owner and a next review, a year after the last
by default; staff see what is overdue or due within 30 days, mark it reviewed, and owners are
emailed once a day."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from tests.conftest import login_with_second_factor
from trustcentre.audit.models import AuditEvent
from trustcentre.content.models import (
    Control,
    ControlGroup,
    FaqCategory,
    FaqEntry,
)
from trustcentre.content.services import review_reminders_send, reviews_due
from trustcentre.lib.review import next_review_date
from trustcentre.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("reviewed", "due"),
    [
        (D(2026, 3, 15), D(2027, 3, 15)),
        (D(2024, 2, 29), D(2025, 2, 28)),  # leap day: never a day late
        (D(2026, 12, 31), D(2027, 12, 31)),
        (D(2027, 2, 28), D(2028, 2, 28)),
    ],
)
def test_the_next_review_is_a_year_after_the_last(reviewed, due):
    assert next_review_date(reviewed) == due


def test_another_interval_counts_days(settings):
    settings.TRUST_REVIEW_INTERVAL_DAYS = 90
    assert next_review_date(D(2026, 1, 1)) == D(2026, 4, 1)


def viewer_today(user) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(user.time_zone or "UTC"))


@pytest.fixture
def items(trust_admin_user, legal_user):
    # "Today" is the viewer's: the reviews page counts days in the signed-in person's zone, so
    # the items are dated in that zone (near midnight UTC it is already tomorrow in Berlin).
    today = viewer_today(trust_admin_user)
    group = ControlGroup.objects.create(name="Encryption", slug="encryption")
    category = FaqCategory.objects.create(name="Security", slug="security")
    return {
        "overdue": Control.objects.create(
            group=group,
            title="TLS 1.2-1.3",
            description="-",
            owner=trust_admin_user,
            next_review_on=today - datetime.timedelta(days=1),
        ),
        "soon": FaqEntry.objects.create(
            category=category,
            question="Are you certified?",
            answer="Yes.",
            owner=legal_user,
            next_review_on=today + datetime.timedelta(days=30),
        ),
        "later": Control.objects.create(
            group=group,
            title="Backups",
            description="-",
            owner=trust_admin_user,
            next_review_on=today + datetime.timedelta(days=31),
        ),
    }


def test_new_items_are_due_a_year_from_today(items):
    control = Control.objects.create(group=items["later"].group, title="New", description="-")
    assert control.next_review_on == next_review_date(timezone.localdate())


def test_due_lists_overdue_and_the_next_30_days_soonest_first(items, trust_admin_user):
    due = reviews_due(today=viewer_today(trust_admin_user))
    assert [item.title for item in due] == ["TLS 1.2-1.3", "Are you certified?"]
    assert [item.overdue for item in due] == [True, False]


def test_mark_reviewed_records_who_and_when(client, items, trust_admin_user):
    login_with_second_factor(client, trust_admin_user)
    page = client.get("/staff/trust-centre/reviews/").content.decode()
    assert "TLS 1.2-1.3" in page and "Overdue" in page and "Backups" not in page
    control = items["overdue"]
    # GET never changes anything.
    assert (
        client.get(f"/staff/trust-centre/reviews/control/{control.public_id}/").status_code == 405
    )
    response = client.post(f"/staff/trust-centre/reviews/control/{control.public_id}/")
    assert response.status_code == 302
    control.refresh_from_db()
    assert control.last_reviewed_by == trust_admin_user
    assert control.next_review_on == next_review_date(timezone.localdate())
    assert AuditEvent.objects.filter(action="content.reviewed").count() == 1
    listing = client.get("/staff/trust-centre/reviews/").content.decode()
    assert "marked reviewed" in listing  # the message, shown once
    assert "<td>TLS 1.2-1.3</td>" not in listing
    assert "<td>TLS 1.2-1.3</td>" not in client.get("/staff/trust-centre/reviews/").content.decode()


def test_owners_are_emailed_once_a_day(items, trust_admin_user, legal_user):
    assert review_reminders_send() == 2
    assert review_reminders_send() == 2  # same day: the outbox keeps one per owner and day
    mails = OutboxMessage.objects.filter(subject__contains="review")
    assert sorted(mails.values_list("to_email", flat=True)) == sorted(
        [trust_admin_user.email, legal_user.email]
    )
    trust_mail = mails.get(to_email=trust_admin_user.email)
    assert "TLS 1.2-1.3" in trust_mail.body_text and "overdue" in trust_mail.body_text
    assert "Backups" not in trust_mail.body_text


def test_the_daily_task_runs_both_reminders(items):
    from trustcentre.content.tasks import send_daily_reminders

    assert send_daily_reminders() == {"grants": 0, "reviews": 2}


def test_mark_reviewed_goes_back_only_to_a_page_of_this_site(client, items, trust_admin_user):
    login_with_second_factor(client, trust_admin_user)
    url = f"/staff/trust-centre/reviews/control/{items['overdue'].public_id}/"
    response = client.post(url, {"next": "https://evil.example/phish"})
    assert response.status_code == 302
    assert response["Location"] == "/staff/trust-centre/reviews/"
    response = client.post(url, {"next": "/staff/trust-centre/reviews/?mine=1"})
    assert response["Location"] == "/staff/trust-centre/reviews/?mine=1"
