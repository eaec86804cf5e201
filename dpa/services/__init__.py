"""The DPA's use cases: versions (draft, publish), signatures (sign, countersign, upload a
negotiated agreement) and reminders. Each is one transactional function that writes its audit
event and its outbox rows."""

from dpa.services.errors import (
    AlreadyExecuted,
    DpaRefused,
    FormAltered,
    NoAuthenticator,
    NotAllowed,
    NotAnAdmin,
    NothingPublished,
    ReminderTooSoon,
    SecondFactorNeeded,
    TemplateRefused,
    VersionChanged,
    refusal_status,
)
from dpa.services.reminders import reminder_send
from dpa.services.signing import (
    agreement_countersign,
    agreement_sign,
    agreement_sign_form_check,
    agreement_sign_open,
    agreement_upload_negotiated,
)
from dpa.services.versions import (
    version_create,
    version_preview_pdf,
    version_publish,
    version_update,
)

__all__ = [
    "AlreadyExecuted",
    "DpaRefused",
    "FormAltered",
    "NoAuthenticator",
    "NotAllowed",
    "NotAnAdmin",
    "NothingPublished",
    "ReminderTooSoon",
    "SecondFactorNeeded",
    "TemplateRefused",
    "VersionChanged",
    "agreement_countersign",
    "agreement_sign",
    "agreement_sign_form_check",
    "agreement_sign_open",
    "agreement_upload_negotiated",
    "reminder_send",
    "version_create",
    "version_preview_pdf",
    "version_publish",
    "version_update",
    "refusal_status",
]
