"""The end-of-contract set-up the erasure drills share: a customer whose contract ended 100
days ago (with an admin), a customer who stays, and sample data for both."""

import datetime

from django.utils import timezone

from exports.builtin_source.sample_data import generate_sample_data
from tests.conftest import make_organisation, make_user
from trustcentre.accounts.models import Membership


def leaving_and_staying(*, leaving_leads: int, staying_leads: int):
    """The leaving and the staying organisation, with `leaving_leads` and `staying_leads` leads
    (and their profiles, events and organisations) each."""
    leaving = make_organisation("drill-leaving")
    leaving.contract_end = timezone.now().date() - datetime.timedelta(days=100)
    leaving.save()
    admin = make_user("admin@drill-leaving.test", full_name="Lea Leaving")
    Membership.objects.create(user=admin, organisation=leaving, role=Membership.Role.ADMIN)
    staying = make_organisation("drill-staying")
    generate_sample_data(
        tenant_id=leaving.tenant_id, leads=leaving_leads, seed=8, site="www.leaving.example"
    )
    generate_sample_data(
        tenant_id=staying.tenant_id, leads=staying_leads, seed=9, site="www.staying.example"
    )
    return leaving, staying
