"""What other apps ask of the DPA: is a DPA in force, how long may the customer object to a
sub-processor change, and where do notices go."""

import pytest

from dpa import services
from dpa.models import Agreement
from dpa.selectors import notice_contact_for
from subprocessors.terms import objection_window_for
from tests.dpa.factories import give_dpa, make_version
from tests.dpa.test_executed_pdf import sign_through_the_page
from trustcentre.documents.access import organisation_has_dpa_in_force

pytestmark = pytest.mark.django_db


def test_without_an_agreement_the_default_applies(org_a, settings):
    settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS = 30
    assert objection_window_for(org_a) == 30
    assert not organisation_has_dpa_in_force(org_a)
    assert not organisation_has_dpa_in_force(None)
    assert notice_contact_for(org_a) is None


def test_a_negotiated_agreement_brings_its_own_window_and_contact(org_a):
    give_dpa(org_a, objection_window_days=45, notices_email="legal@acme.test")
    assert objection_window_for(org_a) == 45
    assert organisation_has_dpa_in_force(org_a)
    assert notice_contact_for(org_a) == "legal@acme.test"


def test_only_an_executed_online_agreement_counts_with_its_version_window(
    admin_client, org_a, legal_user, annex_data
):
    version = make_version(objection_window_days=21)
    sign_through_the_page(admin_client, org_a, version)
    # Signed but not countersigned: not in force yet.
    assert not organisation_has_dpa_in_force(org_a)
    assert objection_window_for(org_a) == 30
    assert notice_contact_for(org_a) is None
    services.agreement_countersign(
        agreement=Agreement.objects.get(organisation=org_a), user=legal_user
    )
    assert organisation_has_dpa_in_force(org_a)
    assert objection_window_for(org_a) == 21
    assert notice_contact_for(org_a) == "privacy@acme.test"
