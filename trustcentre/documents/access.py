"""Who may see and download what. The table below is the rule; `download_decision` applies it
and tests/documents/test_access_matrix.py checks every cell.

| level      | anonymous | signed in, verified | NDA + grant in force | staff (with 2FA) |
|------------|-----------|---------------------|----------------------|------------------|
| public     | yes       | yes                 | yes                  | yes              |
| registered | sign in   | yes                 | yes                  | yes              |
| nda        | sign in   | needs NDA and grant | yes                  | yes              |
| private    | 404       | 404                 | 404                  | yes              |

A grant that expired or was revoked, or an NDA that expired, counts as none. A customer gets
its grants approved by the rules (see `access_rule_for`) but signs the NDA like anyone else.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone

from trustcentre.accounts.agreements import agreement_terms
from trustcentre.accounts.models import Organisation
from trustcentre.documents.models import (
    GATED_LEVELS,
    AccessGrant,
    AccessLevel,
    AccessRequest,
    Document,
    NdaAcceptance,
)

Rule = AccessRequest.Rule
Status = AccessRequest.Status


def organisation_has_dpa_in_force(organisation: Organisation | None) -> bool:
    """True only when an executed (countersigned) or uploaded DPA is in force for it."""
    return agreement_terms(organisation) is not None


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def access_rule_for(*, email: str, organisation: Organisation | None) -> tuple[str, str]:
    """The rule that decides an access request, tried in this order, and its outcome."""
    domain = _domain(email)
    lowered = lambda names: {name.lower() for name in names}  # noqa: E731
    if domain in lowered(settings.TRUST_DENY_DOMAINS):
        return Rule.DENY_LIST, Status.REJECTED
    if organisation_has_dpa_in_force(organisation):
        return Rule.CUSTOMER, Status.APPROVED
    if domain in lowered(settings.TRUST_ALLOW_DOMAINS):
        return Rule.ALLOW_LIST, Status.APPROVED
    if domain in lowered(settings.TRUST_FREE_MAIL_DOMAINS):
        return Rule.FREE_MAIL, Status.PENDING
    return Rule.MANUAL, Status.PENDING


def organisation_of(user) -> Organisation | None:
    """The organisation a person acts for: their first membership (prospects have one)."""
    if not user.is_authenticated:
        return None
    membership = user.memberships.select_related("organisation").order_by("joined_at").first()
    return membership.organisation if membership else None


def is_staff_viewer(user) -> bool:
    """Staff who have verified their second factor in this session."""
    if not (user.is_authenticated and user.needs_second_factor):
        return False
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def has_verified_email(user) -> bool:
    return user.is_authenticated and (
        EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def nda_in_force(user, now=None) -> NdaAcceptance | None:
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    return (
        NdaAcceptance.objects.filter(
            user=user, status=NdaAcceptance.Status.ACCEPTED, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )


def grant_for(user, document: Document, now=None) -> AccessGrant | None:
    if not user.is_authenticated:
        return None
    return (
        AccessGrant.objects.in_force(now)
        .filter(user=user, documents=document)
        .order_by("-expires_at")
        .first()
    )


@dataclass
class Decision:
    allowed: bool
    reason: str  # "ok", "sign_in", "verify_email", "nda", "grant", "private"
    grant: AccessGrant | None = None
    nda: NdaAcceptance | None = None

    @property
    def not_found(self) -> bool:
        return self.reason == "private"


def download_decision(user, document: Document, now=None) -> Decision:
    """May `user` download `document` at this moment? Checked again at every download."""
    level = document.access_level
    if is_staff_viewer(user):
        return Decision(True, "ok")
    if level == AccessLevel.PRIVATE:
        return Decision(False, "private")
    if level == AccessLevel.PUBLIC:
        return Decision(True, "ok")
    if not user.is_authenticated:
        return Decision(False, "sign_in")
    if not has_verified_email(user):
        return Decision(False, "verify_email")
    if level == AccessLevel.REGISTERED:
        return Decision(True, "ok")
    grant = grant_for(user, document, now)
    nda = nda_in_force(user, now)
    if grant is None:
        return Decision(False, "grant", nda=nda)
    if nda is None:
        return Decision(False, "nda", grant=grant)
    return Decision(True, "ok", grant=grant, nda=nda)


def granted_document_ids(user, now=None) -> set[int]:
    """Ids of the documents this person holds a grant in force for (one query)."""
    if not user.is_authenticated:
        return set()
    return set(
        AccessGrant.objects.in_force(now)
        .filter(user=user)
        .values_list("documents__id", flat=True)
        .distinct()
    )


def requestable_documents(user):
    """Gated documents this person could ask for: not those they can open already (a grant in
    force, or a registered-users document once their email is verified)."""
    documents = Document.objects.filter(
        access_level__in=GATED_LEVELS, current_version__isnull=False
    ).exclude(pk__in=granted_document_ids(user))
    if has_verified_email(user):
        documents = documents.exclude(access_level=AccessLevel.REGISTERED)
    return documents.order_by("category__order", "title")


def company_named_by(user) -> str:
    """The company a person works for, as far as we know: their organisation's name, else the
    one they gave on their latest access request."""
    organisation = organisation_of(user)
    if organisation is not None:
        return organisation.name
    latest = AccessRequest.objects.filter(requester=user).order_by("-created_at").first()
    return latest.company if latest else ""
