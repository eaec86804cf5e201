"""Objects for the DPA tests: published versions, controls, sub-processor list versions, and an
agreement in force for tests elsewhere that need a customer with a DPA."""

import datetime
import hashlib

from django.utils import timezone

from dpa.models import Agreement, DpaVersion
from subprocessors.models import SubProcessor, TransferMechanism
from subprocessors.services.register import list_version_publish
from trustcentre.content.models import Control, ControlGroup

BODY = """# Data Processing Agreement

This agreement is made between **{provider_name}** (the processor) and
**{customer_legal_name}** of {customer_address} (the controller), effective {effective_date}.

## Sub-processors

The controller may object to a new sub-processor within {objection_window_days} days
(list version {subprocessor_list_version}).

## Personal data breaches

The processor notifies the controller within {breach_notification_hours} hours.
"""


def make_version(*, published=True, number=None, objection_window_days=30, **extra):
    values = {
        "title": "Data Processing Agreement",
        "body": BODY,
        "summary_of_changes": "First version.",
        "objection_window_days": objection_window_days,
        "subject_matter": "Analytics of website visitors for the controller.",
        "duration": "The term of the main contract.",
        "nature_and_purpose": "Collection, storage and analysis to provide the service.",
        "data_categories": "Contact data, online identifiers, usage data.",
        "data_subjects": "Website visitors and the controller's leads.",
        **extra,
    }
    if published:
        if number is None:
            number = (DpaVersion.objects.filter(number__isnull=False).count()) + 1
        values.update(
            status=DpaVersion.Status.PUBLISHED, number=number, published_at=timezone.now()
        )
    return DpaVersion.objects.create(**values)


def make_controls(count: int = 3) -> list[Control]:
    group, _ = ControlGroup.objects.get_or_create(
        slug="security", defaults={"name": "Security", "order": 1}
    )
    return [
        Control.objects.create(
            group=group,
            title=f"Control {i:02d}: measure number {i}",
            description=f"Description of measure {i}.",
            order=i,
        )
        for i in range(1, count + 1)
    ]


def make_subprocessors(count: int = 3):
    """`count` active sub-processors and a list version holding them."""
    mechanisms = [
        TransferMechanism.NONE_NEEDED,
        TransferMechanism.SCC_MODULE_3,
        TransferMechanism.DPF,
    ]
    for i in range(1, count + 1):
        SubProcessor.objects.create(
            name=f"Subprocessor {i:02d} Ltd",
            legal_entity=f"Subprocessor {i:02d} Limited",
            purpose=f"Purpose {i}",
            countries=["DE"] if i % 3 == 1 else ["US"],
            transfer_mechanism=mechanisms[i % 3 - 1 if i % 3 else 2],
        )
    return list_version_publish()


def give_dpa(
    organisation, *, objection_window_days: int = 30, notices_email: str = ""
) -> Agreement:
    """A negotiated agreement in force (no file): what tests of other apps need when their
    fixture customer must 'have a DPA'."""
    now = timezone.now()
    return Agreement.objects.create(
        organisation=organisation,
        kind=Agreement.Kind.NEGOTIATED,
        status=Agreement.Status.EXECUTED,
        customer_legal_name=organisation.name,
        notices_email=notices_email or f"dpo@{organisation.slug}.test",
        effective_date=datetime.date(2024, 1, 1),
        objection_window_days=objection_window_days,
        executed_sha256=hashlib.sha256(organisation.slug.encode()).hexdigest(),
        executed_at=now,
        countersigned_at=now,
    )
