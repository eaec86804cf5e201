"""The demo provider's maintained retention periods (an example, not advice)."""

from retention import services
from retention.models import RetentionRule

DEMO_RULES = [
    (
        "rights_request_records",
        "Rights-request records (the request, its steps and the response letter)",
        "P3Y",
        "The request is closed",
        "Deleted; the audit log keeps the reference only",
    ),
    (
        "audit_log",
        "Audit log (who did what, when; references, no personal data)",
        "P6Y",
        "The event is written",
        "Archived events are deleted after the chain head is anchored again",
    ),
    (
        "outbox_emails",
        "Emails in the outbox (copies of the notifications sent)",
        "P90D",
        "The email is sent or finally fails",
        "Deleted",
    ),
    (
        "nda_evidence",
        "NDA evidence (acceptances with name, time, IP, text hash; countersigned NDAs)",
        "P6Y",
        "The NDA expires",
        "Deleted",
    ),
    (
        "executed_dpas",
        "Executed DPAs and their signatures",
        "P10Y",
        "The contract ends",
        "Deleted",
    ),
    (
        "deletion_certificates",
        "Deletion certificates",
        "P10Y",
        "The certificate is issued",
        "Deleted",
    ),
    (
        "document_downloads",
        "Document download records (who downloaded which version, with the stamp id)",
        "P2Y",
        "The download",
        "Deleted",
    ),
]


def seed(stdout) -> None:
    if RetentionRule.objects.exists():
        return
    for order, (key, data, period, starts, at_end) in enumerate(DEMO_RULES):
        services.retention_rule_create(
            key=key,
            data=data,
            period=period,
            starts=starts,
            at_end=at_end,
            order=order * 10,
            user=None,
        )
    stdout.write(f"Retention schedule: {len(DEMO_RULES)} periods maintained by legal.")
