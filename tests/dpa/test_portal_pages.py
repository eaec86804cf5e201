"""The customer's DPA page: status, version, history of who signed which version; another
organisation's page is a 404 and a member sees it read-only."""

import pytest
from django.urls import reverse

from dpa import services
from dpa.models import Agreement
from tests.conftest import login_with_second_factor, sign_in_with_password
from tests.dpa.factories import make_version
from tests.dpa.test_executed_pdf import sign_through_the_page
from trustcentre.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_history_shows_who_signed_which_version(admin_client, org_a, legal_user, annex_data):
    v1 = make_version()
    sign_through_the_page(admin_client, org_a, v1)
    services.agreement_countersign(agreement=Agreement.objects.get(), user=legal_user)
    v2 = make_version(summary_of_changes="New breach clause.")
    page = admin_client.get(reverse("dpa_portal:organisation", args=[org_a.slug])).content.decode()
    assert "Superseded by a newer version" in page
    assert "New breach clause." in page
    assert "Review and sign version 2" in page
    sign_through_the_page(admin_client, org_a, v2)
    services.agreement_countersign(
        agreement=Agreement.objects.get(status="awaiting"), user=legal_user
    )
    page = admin_client.get(reverse("dpa_portal:organisation", args=[org_a.slug])).content.decode()
    assert page.count("Ada Admin, Managing Director") == 2
    assert "v1" in page and "v2" in page and "Superseded" in page and "In force" in page
    assert Agreement.objects.in_force().get().version == v2


def test_a_member_sees_the_status_but_no_sign_button(client, org_a, member_a, version):
    sign_in_with_password(client, member_a)
    page = client.get(reverse("dpa_portal:organisation", args=[org_a.slug])).content.decode()
    assert "Not signed" in page
    assert "Review and sign" not in page
    assert "An admin of your organisation signs the DPA." in page


def test_another_organisations_dpa_is_a_404(client, org_a, admin_b, version):
    login_with_second_factor(client, admin_b)
    assert client.get(reverse("dpa_portal:organisation", args=[org_a.slug])).status_code == 404
    assert client.get(reverse("dpa_portal:sign", args=[org_a.slug])).status_code == 404


def test_a_download_link_made_for_someone_else_is_refused(
    admin_client, client, org_a, member_a, legal_user, version
):
    import re

    sign_through_the_page(admin_client, org_a, version)
    services.agreement_countersign(agreement=Agreement.objects.get(), user=legal_user)
    page = admin_client.get(reverse("dpa_portal:organisation", args=[org_a.slug])).content.decode()
    link = re.search(r'href="(/portal/dpa/acme/download/[^"]+)"', page).group(1)
    sign_in_with_password(client, member_a)
    assert client.get(link).status_code == 404
    assert client.get(link[:-3] + "xyz/").status_code == 404
    reasons = AuditEvent.objects.filter(action="authz.denied").values_list(
        "details__reason", flat=True
    )
    assert sorted(reasons) == ["DPA download link tampered with", "DPA download without access"]
