"""The emails of an end-of-contract case, written to the outbox in the caller's transaction.

The templates live in templates/end_of_contract/emails/ (this app's folder), so they are
rendered here and handed to the outbox with `email_enqueue_rendered`, under the same
one-message-per-(cause, recipient) rule as every other email."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from exports.end_of_contract.models import EndOfContractCase
from trustcentre.accounts.models import Membership
from trustcentre.notifications.models import OutboxMessage
from trustcentre.notifications.services import email_enqueue_rendered

TEMPLATE_FOLDER = "end_of_contract/emails"


def case_recipients(case: EndOfContractCase) -> list:
    """The organisation's active admins: they make the choices and get every step."""
    memberships = (
        Membership.objects.filter(
            organisation=case.organisation, role=Membership.Role.ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    return [membership.user for membership in memberships]


def _render(template: str, context: dict) -> tuple[str, str, str]:
    full = {"provider_name": settings.PROVIDER_NAME, "site_url": settings.SITE_URL, **context}
    base = f"{TEMPLATE_FOLDER}/{template}"
    return (
        render_to_string(f"{base}.subject.txt", full),
        render_to_string(f"{base}.txt", full),
        render_to_string(f"{base}.html", full),
    )


def case_email(case: EndOfContractCase, *, template: str, cause: str, extra: dict | None = None):
    """One email per admin of the case's organisation; the same cause is never sent twice."""
    leaving_url = settings.SITE_URL + reverse("end_of_contract:home")
    exports_url = settings.SITE_URL + reverse(
        "exports:list", kwargs={"slug": case.organisation.slug}
    )
    for user in case_recipients(case):
        if OutboxMessage.objects.filter(cause=cause, to_email=user.email).exists():
            continue
        context = {
            "name": user.full_name or user.email,
            "case": case,
            "organisation_name": case.organisation.name,
            "leaving_url": leaving_url,
            "exports_url": exports_url,
            **(extra or {}),
        }
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            subject, text, html = _render(template, context)
        email_enqueue_rendered(
            to=user.email,
            subject=subject,
            body_text=text,
            body_html=html,
            cause=cause,
            template=f"{TEMPLATE_FOLDER}/{template}",
            recipient=user,
            organisation=case.organisation,
        )
