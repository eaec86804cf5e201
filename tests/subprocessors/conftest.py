"""A small register (three sub-processors in use, list version 1) and notices on it."""

import datetime

import pytest
from django.utils import timezone

from subprocessors import services, terms
from subprocessors.models import SubProcessor, TransferMechanism
from tests.subprocessors.assessing import assess


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.SUBPROCESSOR_OBJECTION_WINDOW_DAYS = 30
    settings.SUBPROCESSOR_DEADLINE_TIME_ZONE = "Europe/Berlin"
    settings.SUBPROCESSOR_COALESCE_SECONDS = 0
    settings.BUSINESS_HOLIDAYS = []


def make_subprocessor(name, *, status=SubProcessor.Status.ACTIVE, countries=("DE",), **extra):
    fields = {
        "name": name,
        "legal_entity": f"{name} GmbH",
        "purpose": f"{name} does things",
        "services": ["Analytics"],
        "data_categories": ["Contact data"],
        "countries": list(countries),
        "transfer_mechanism": TransferMechanism.NONE_NEEDED,
        "website": f"https://{name.lower()}.example",
    }
    fields.update(extra)
    return services.subprocessor_create(status=status, **fields)


@pytest.fixture
def register(db):
    hosting = make_subprocessor("Hostly", countries=["DE", "IE"])
    mail = make_subprocessor("Mailer", countries=["US"], transfer_mechanism=TransferMechanism.DPF)
    support = make_subprocessor(
        "Helpdesk", countries=["GB"], transfer_mechanism=TransferMechanism.ADEQUACY
    )
    services.register_initialise()
    return {"hosting": hosting, "mail": mail, "support": support}


@pytest.fixture
def proposed(register):
    """A proposed sub-processor that legal has assessed (approved), ready to be announced."""
    warehouse = make_subprocessor(
        "Warehouse",
        status=SubProcessor.Status.PROPOSED,
        countries=["US"],
        transfer_mechanism=TransferMechanism.SCC_MODULE_3,
    )
    assess(warehouse)
    return warehouse


@pytest.fixture
def draft(proposed, legal_user):
    return services.notice_create(
        kind="add",
        subprocessor=proposed,
        summary="Warehouse for analytics",
        reason="Faster reports",
        user=legal_user,
    )


def earliest_effective(now=None):
    now = now or timezone.now()
    deadline = terms.objection_deadline(announced_at=now, window_days=30)
    return terms.earliest_effective_date(deadline)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block queued for after its commit (tasks, emails)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def announced(draft, legal_user, org_a, admin_a, member_a, org_b, admin_b, prospect_org, committed):
    with committed():
        return services.notice_announce(
            notice=draft, effective_date=earliest_effective(), user=legal_user
        )


def days(n):
    return datetime.timedelta(days=n)
