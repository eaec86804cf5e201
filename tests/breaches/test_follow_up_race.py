"""On PostgreSQL, DPOs sending follow-ups to the same incident at the same moment: the numbers
run 1, 2, 3 ... with no gap and no repeat, and the same form sent twice at once sends one."""

import threading
import uuid

import pytest
from django.db import connection

from dpa.breaches import services
from dpa.breaches.models import FollowUp, FollowUpNotice
from dpa.breaches.services_follow_ups import follow_up_send
from tests.breaches.conftest import incident_values

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

NEEDS_POSTGRESQL = (
    "this race needs PostgreSQL: set DATABASE_URL=postgres://... (see .ci/run), "
    "or deselect it with -m 'not postgresql'"
)


def race(actions):
    barrier = threading.Barrier(len(actions))
    results, errors = [], []

    def worker(action):
        try:
            barrier.wait(timeout=10)
            results.append(action())
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


@pytest.fixture
def notified(dpo_user, org_a, org_b, admin_a, admin_b, no_notice_contact):
    incident = services.incident_record(user=dpo_user, **incident_values())
    services.incident_notify(incident=incident, organisations=[org_a, org_b], user=dpo_user)
    return incident


def test_six_follow_ups_at_once_are_numbered_one_to_six(notified, dpo_user):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL

    def send(text):
        return lambda: follow_up_send(incident=notified, user=dpo_user, kind="new_facts", body=text)

    race([send(f"Update {n}") for n in range(6)])

    assert sorted(FollowUp.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert FollowUpNotice.objects.count() == 12


def test_the_same_form_twice_at_once_sends_one_follow_up(notified, dpo_user):
    assert connection.vendor == "postgresql", NEEDS_POSTGRESQL
    key = uuid.uuid4()

    def send():
        return follow_up_send(
            incident=notified, user=dpo_user, kind="new_facts", body="Once.", idempotency_key=key
        )

    results = race([send, send, send])

    assert sorted(result.created for result in results) == [False, False, True]
    assert FollowUp.objects.count() == 1
    assert FollowUpNotice.objects.count() == 2
