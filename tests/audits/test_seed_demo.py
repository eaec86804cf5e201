"""The demo requests: one answered in time, one in review, for the first demo customer, once."""

import io

from django.apps import apps

from dpa.audits.models import AuditRequest


def test_seed_demo_is_idempotent(lena, org_a, org_b, admin_a, admin_b):
    config = apps.get_app_config("audits")
    out = io.StringIO()
    config.seed_demo(stdout=out)
    config.seed_demo(stdout=out)
    answered, in_review = AuditRequest.objects.order_by("received_at")
    assert (answered.status, in_review.status) == ("answered", "in_review")
    assert {answered.organisation, in_review.organisation} == {org_a}
    assert answered.answered_at.date() <= answered.due_on
    assert out.getvalue().count("Demo audit requests") == 1


def test_seed_demo_without_legal_does_nothing(org_a, admin_a):
    apps.get_app_config("audits").seed_demo(stdout=io.StringIO())
    assert not AuditRequest.objects.exists()
