"""The document a customer signs: the version's body with its placeholders filled in and the
annexes frozen from live data at signing time, as HTML (hashed at signing) and as the PDF of
record (rendered once, at countersignature, from the same frozen data)."""

import datetime
import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from dpa.body import render_body
from dpa.models import DpaVersion
from subprocessors.models import TransferMechanism
from subprocessors.selectors import current_version as current_list_version
from trustcentre.content.models import Control
from trustcentre.pages.models import ProviderProfile

TEMPLATE = "dpa/pdf/agreement.html"


def controls_snapshot() -> list[dict]:
    """Annex II: the trust centre's controls (technical and organisational measures)."""
    return [
        {"group": control.group.name, "title": control.title, "description": control.description}
        for control in Control.objects.select_related("group").order_by(
            "group__order", "group__name", "order", "title"
        )
    ]


def subprocessor_list_snapshot() -> dict:
    """Annex III: the current numbered, dated sub-processor list version."""
    version = current_list_version()
    if version is None:
        return {"number": None, "published_at": None, "entries": []}
    return {
        "number": version.number,
        "published_at": version.published_at.isoformat(),
        "entries": list(version.entries),
    }


def transfers_of(entries: list[dict]) -> list[dict]:
    """The transfers outside the EEA the list implies, with their mechanisms."""
    return [
        {
            "subprocessor": entry.get("name", ""),
            "countries": list(entry.get("countries") or []),
            "mechanism": entry.get("transfer_mechanism_label") or entry.get("transfer_mechanism"),
        }
        for entry in entries
        if entry.get("transfer_mechanism") not in ("", None, TransferMechanism.NONE_NEEDED)
    ]


def provider_party() -> dict:
    profile = ProviderProfile.objects.first()
    return {
        "legal_name": settings.DPA_PROVIDER_LEGAL_NAME
        or (profile.legal_name if profile else "")
        or settings.PROVIDER_NAME,
        "address": settings.DPA_PROVIDER_ADDRESS or (profile.address if profile else ""),
    }


def annex_snapshot(*, version: DpaVersion, parties: dict, effective_date: datetime.date) -> dict:
    """Everything the document shows besides the version's body, as plain data."""
    subprocessors = subprocessor_list_snapshot()
    return {
        "provider": provider_party(),
        "customer": {
            "legal_name": parties["customer_legal_name"],
            "address": parties.get("customer_address", ""),
            "signatory_name": parties.get("signatory_name", ""),
            "signatory_title": parties.get("signatory_title", ""),
            "notices_email": parties.get("notices_email", ""),
        },
        "version": {"number": version.number, "title": version.title},
        "effective_date": effective_date.isoformat(),
        "objection_window_days": version.objection_window_days,
        "breach_notification_hours": settings.DPA_BREACH_NOTIFICATION_HOURS,
        "processing": {
            "subject_matter": version.subject_matter,
            "duration": version.duration,
            "nature_and_purpose": version.nature_and_purpose,
            "data_categories": version.data_categories,
            "data_subjects": version.data_subjects,
        },
        "controls": controls_snapshot(),
        "subprocessor_list": subprocessors,
        "transfers": transfers_of(subprocessors["entries"]),
    }


def placeholder_values(snapshot: dict) -> dict:
    customer = snapshot["customer"]
    return {
        "provider_name": snapshot["provider"]["legal_name"],
        "provider_address": snapshot["provider"]["address"],
        "customer_legal_name": customer["legal_name"],
        "customer_address": customer["address"],
        "signatory_name": customer["signatory_name"],
        "signatory_title": customer["signatory_title"],
        "notices_email": customer["notices_email"],
        "effective_date": snapshot["effective_date"],
        "objection_window_days": snapshot["objection_window_days"],
        "breach_notification_hours": snapshot["breach_notification_hours"],
        "version_number": snapshot["version"]["number"] or "",
        "subprocessor_list_version": snapshot["subprocessor_list"]["number"] or "",
    }


def _processing_rows(snapshot: dict) -> list[tuple[str, str]]:
    processing = snapshot["processing"]
    return [
        ("Subject matter", processing["subject_matter"]),
        ("Duration", processing["duration"]),
        ("Nature and purpose", processing["nature_and_purpose"]),
        ("Categories of personal data", processing["data_categories"]),
        ("Categories of data subjects", processing["data_subjects"]),
    ]


def document_html(
    *, body: str, snapshot: dict, signatures: dict | None = None, draft: bool = False
) -> str:
    """The whole document as HTML. Without `signatures` it is what the customer signs (and
    what the signing hash covers); with them, the executed agreement with its signature page.
    Rendered in the site's language and in UTC, so the same data gives the same bytes."""
    published_at = snapshot["subprocessor_list"]["published_at"]
    with translation.override(settings.LANGUAGE_CODE), timezone.override(datetime.UTC):
        return render_to_string(
            TEMPLATE,
            {
                "snapshot": snapshot,
                "body_html": mark_safe(render_body(body, placeholder_values(snapshot))),  # noqa: S308 (nh3-cleaned, values escaped)
                "processing_rows": _processing_rows(snapshot),
                "list_published_at": (
                    datetime.datetime.fromisoformat(published_at) if published_at else None
                ),
                "effective_date": datetime.date.fromisoformat(snapshot["effective_date"]),
                "signatures": signatures,
                "draft": draft,
            },
        )


def sha256_hex(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def preview_snapshot(version: DpaVersion) -> dict:
    """A draft's annexes from today's live data, with the customer's details left as blanks."""
    parties = {"customer_legal_name": ""}
    snapshot = annex_snapshot(version=version, parties=parties, effective_date=timezone.localdate())
    return snapshot
