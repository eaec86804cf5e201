"""The sub-processor set-up the announcement drills share: verified subscribers, and a draft
notice adding a sub-processor to an initialised register."""

from django.utils import timezone

from subprocessors import services
from subprocessors.models import SubProcessor, Subscription


def verified_subscribers(count: int, *, prefix: str) -> set[str]:
    now = timezone.now()
    addresses = [f"{prefix}{n:04d}@example.test" for n in range(count)]
    Subscription.objects.bulk_create(
        Subscription(
            email=address,
            topics=["subprocessor_changes"],
            status=Subscription.Status.VERIFIED,
            confirmed_at=now,
        )
        for address in addresses
    )
    return set(addresses)


def draft_notice():
    services.subprocessor_create(
        status="active",
        name="Hostly",
        legal_entity="Hostly GmbH",
        purpose="Hosting",
        countries=["DE"],
        transfer_mechanism="none",
    )
    services.register_initialise()
    proposed = services.subprocessor_create(
        status=SubProcessor.Status.PROPOSED,
        name="Warehouse",
        legal_entity="Warehouse Inc.",
        purpose="Reports",
        countries=["US"],
        transfer_mechanism="dpf",
    )
    return services.notice_create(
        kind="add", subprocessor=proposed, summary="Warehouse", reason="Reports"
    )
