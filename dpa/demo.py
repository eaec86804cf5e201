"""Demo content: version 1 published, and the first demo customer's agreement executed."""

from django.utils import timezone

from dpa.documents import annex_snapshot, document_html, sha256_hex
from dpa.models import Agreement, DpaVersion
from dpa.selectors import admins_of, latest_published_version
from dpa.services.signing import agreement_countersign
from trustcentre.accounts.models import Organisation, User

DEMO_BODY = """# Data Processing Agreement

This Data Processing Agreement ("DPA") is made between **{provider_name}**, {provider_address}
(the "Processor"), and **{customer_legal_name}**, {customer_address} (the "Controller"),
and takes effect on {effective_date}.

## 1. Subject matter and instructions

The Processor processes personal data only on documented instructions from the Controller,
as described in Annex I, for the duration of the main agreement (Art. 28(3) GDPR).

## 2. Security

The Processor implements the technical and organisational measures of Annex II.

## 3. Sub-processors

The Controller authorises the sub-processors of Annex III (list version
{subprocessor_list_version}). The Processor announces any intended change; the Controller may
object within {objection_window_days} days.

## 4. Personal data breaches

The Processor notifies the Controller without undue delay and at the latest within
{breach_notification_hours} hours after becoming aware of a personal data breach, at
{notices_email}.

## 5. End of the processing

At the end of the services the Processor returns or deletes the personal data, at the
Controller's choice.
"""

DEMO_VERSION = {
    "title": "Data Processing Agreement",
    "body": DEMO_BODY,
    "summary_of_changes": "First version of our online DPA.",
    "subject_matter": "Web analytics and lead insights for the Controller's websites.",
    "duration": "The term of the main agreement, then until the data is returned or deleted.",
    "nature_and_purpose": "Collecting, storing and analysing visits to provide the services.",
    "data_categories": "Online identifiers, usage data, business contact data.",
    "data_subjects": "Visitors of the Controller's websites; the Controller's leads.",
}
DEMO_CUSTOMER = "acme-retail"


def seed_demo(stdout) -> None:
    legal = User.objects.filter(groups__name="legal").order_by("pk").first()
    version = latest_published_version()
    if version is None:
        now = timezone.now()
        version = DpaVersion.objects.create(
            **DEMO_VERSION,
            status=DpaVersion.Status.PUBLISHED,
            number=1,
            published_at=now,
            published_by=legal,
            created_by=legal,
        )
        stdout.write("DPA version 1 published.")
    organisation = Organisation.objects.filter(slug=DEMO_CUSTOMER).first()
    if organisation is None or legal is None:
        return
    if Agreement.objects.filter(organisation=organisation).exists():
        return
    admins = admins_of(organisation)
    signer = admins[0] if admins else None
    today = timezone.localdate()
    parties = {
        "customer_legal_name": organisation.name,
        "customer_address": "Beispielstraße 1\n10115 Berlin\nGermany",
        "signatory_name": signer.full_name if signer else "",
        "signatory_title": "Managing Director",
        "notices_email": signer.email if signer else f"privacy@{DEMO_CUSTOMER}.example",
    }
    snapshot = annex_snapshot(version=version, parties=parties, effective_date=today)
    agreement = Agreement.objects.create(
        organisation=organisation,
        kind=Agreement.Kind.ONLINE,
        version=version,
        status=Agreement.Status.AWAITING_COUNTERSIGNATURE,
        effective_date=today,
        objection_window_days=version.objection_window_days,
        annexes=snapshot,
        signed_document_sha256=sha256_hex(document_html(body=version.body, snapshot=snapshot)),
        signed_by=signer,
        signed_at=timezone.now(),
        signed_second_factor="totp",
        **parties,
    )
    agreement = agreement_countersign(agreement=agreement, user=legal)
    stdout.write(f"DPA of {organisation.slug} executed (SHA-256 {agreement.executed_sha256}).")
