"""Helpers the account use cases share."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import DomainNameValidator
from django.urls import reverse

from trustcentre.accounts.models import Membership, Organisation, User

INVITATION_VALIDITY = timedelta(days=7)

# Anyone can own an address at these, so they can never mean "works at this organisation".
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "web.de",
        "yahoo.com",
        "yandex.ru",
    }
)

_domain_validator = DomainNameValidator(accept_idna=False)


def _display_name(user) -> str:
    return user.full_name or user.email


def _organisation_admins(organisation: Organisation):
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=Membership.Role.ADMIN
    )


def _lock(organisation: Organisation) -> None:
    """Serialise membership changes per organisation, so two admins demoting each other at
    the same moment cannot leave it with none (SQLite serialises writers by itself)."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _organisation_url(organisation: Organisation) -> str:
    return settings.SITE_URL + reverse("accounts:organisation_detail", args=[organisation.slug])
