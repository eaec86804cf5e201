"""Legal's workbench: only legal gets in; drafting, announcing (with the effective-date rule)
and the register's validation, through the pages."""

import datetime

import pytest

from subprocessors.models import ChangeNotice, SubProcessor
from tests.conftest import login_with_second_factor
from tests.subprocessors.conftest import earliest_effective

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["dpo_user", "trust_admin_user", "admin_a"])
def test_only_legal_opens_the_workbench(client, who, request):
    user = request.getfixturevalue(who)
    login_with_second_factor(client, user)
    assert client.get("/staff/subprocessors/").status_code == 403


def test_legal_sees_the_workbench(staff_client, announced):
    page = staff_client.get("/staff/subprocessors/")
    assert page.status_code == 200
    assert b"Warehouse for analytics" in page.content


def test_an_invalid_country_code_is_refused(staff_client, register):
    response = staff_client.post(
        "/staff/subprocessors/register/new/",
        {
            "name": "Bad",
            "legal_entity": "Bad Ltd",
            "purpose": "x",
            "countries": "DE, UK, XX",
            "transfer_mechanism": "adequacy",
        },
    )
    assert response.status_code == 200
    assert b"Not ISO 3166-1 alpha-2 country codes: UK, XX" in response.content
    assert not SubProcessor.objects.filter(name="Bad").exists()


def test_other_transfer_mechanism_needs_a_description(staff_client, register):
    response = staff_client.post(
        "/staff/subprocessors/register/new/",
        {
            "name": "Odd",
            "legal_entity": "Odd",
            "purpose": "x",
            "countries": "CH",
            "transfer_mechanism": "other",
        },
    )
    assert b"Describe the transfer mechanism" in response.content
    assert not SubProcessor.objects.filter(name="Odd").exists()


def test_draft_then_announce_through_the_pages(staff_client, proposed, org_a, admin_a, committed):
    response = staff_client.post(
        "/staff/subprocessors/notices/new/",
        {"kind": "add", "subprocessor": proposed.pk, "summary": "Warehouse", "reason": "Reports"},
    )
    notice = ChangeNotice.objects.get()
    assert response["Location"] == f"/staff/subprocessors/notices/{notice.public_id}/"
    too_early = earliest_effective() - datetime.timedelta(days=1)
    refused = staff_client.post(
        f"/staff/subprocessors/notices/{notice.public_id}/announce/",
        {"effective_date": too_early.isoformat()},
    )
    assert refused.status_code == 400 and b"cannot take effect before" in refused.content
    notice.refresh_from_db()
    assert notice.status == "draft"
    with committed():
        staff_client.post(
            f"/staff/subprocessors/notices/{notice.public_id}/announce/",
            {"effective_date": earliest_effective().isoformat()},
        )
    notice.refresh_from_db()
    assert notice.status == "announced"
    page = staff_client.get(f"/staff/subprocessors/notices/{notice.public_id}/")
    assert b"Acme" in page.content  # the customers notified, with their deadline


def test_withdrawal_needs_a_reason(staff_client, draft):
    response = staff_client.post(
        f"/staff/subprocessors/notices/{draft.public_id}/withdraw/", {"reason": ""}
    )
    assert response.status_code == 400
    staff_client.post(
        f"/staff/subprocessors/notices/{draft.public_id}/withdraw/", {"reason": "Not needed"}
    )
    draft.refresh_from_db()
    assert draft.status == "withdrawn"


def test_the_workbench_counts_each_open_objection_once(staff_client, announced, admin_a, org_a):
    from subprocessors import services
    from subprocessors.selectors import staff_notices

    services.objection_raise(notice=announced, organisation=org_a, grounds="EU only", user=admin_a)
    (notice,) = staff_notices()
    assert (notice.open_objections, notice.notified) == (1, 2)
