"""Use cases of single sign-on: configure an organisation's identity provider, route an email
to it, and accept or refuse what the provider says about a person on their way back."""

import hmac
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trustcentre.accounts.models import Organisation
from trustcentre.accounts.services.memberships import membership_join
from trustcentre.audit.services import audit_record
from trustcentre.sso.models import IdentityProvider, RoutedDomain

PROVIDER = "openid_connect"
# The session state of a sign-in started here carries this nonce; the ID token must echo it.
NONCE_STATE_KEY = "sso_nonce"


class SignInRefused(Exception):
    """What the identity provider said is not enough to sign this person in. `code` goes to the
    audit log; `message` is for the person."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


# --- reading -------------------------------------------------------------------------------


def email_domain(email: str) -> str:
    local, at, domain = (email or "").strip().rpartition("@")
    return domain.lower().rstrip(".") if at and local else ""


def identity_provider_for_email(email: str) -> IdentityProvider | None:
    """The identity provider this address's domain is routed to, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    routed = (
        RoutedDomain.objects.select_related(
            "identity_provider__social_app", "identity_provider__organisation"
        )
        .filter(domain=domain)
        .first()
    )
    return routed.identity_provider if routed else None


def refuse_password_where_enforced(email: str | None, identity_provider=None) -> None:
    """The one statement of "enforce": an address whose organisation turned it on neither signs
    in, signs up, nor resets with a password. Raises the message its people see."""
    if identity_provider is None and email:
        identity_provider = identity_provider_for_email(email)
    if identity_provider is not None and identity_provider.enforce:
        raise ValidationError(
            _(
                "%(organisation)s signs its people in with single sign-on, so passwords are not "
                "used for this address. Leave the password empty and continue to your "
                "organisation's sign-in."
            )
            % {"organisation": identity_provider.organisation.name},
            code="sso_enforced",
        )


def identity_provider_for_app(app) -> IdentityProvider | None:
    if app is None or not app.pk:
        return None
    return (
        IdentityProvider.objects.select_related("organisation", "social_app")
        .filter(social_app_id=app.pk)
        .first()
    )


def provider_id_for(organisation: Organisation) -> str:
    return f"org-{organisation.slug}"


# --- configuring ---------------------------------------------------------------------------


def _clean_issuer(issuer: str) -> str:
    issuer = (issuer or "").strip().rstrip("/")
    parts = urlsplit(issuer)
    allowed = ("https", "http") if settings.SSO_ALLOW_HTTP_ISSUERS else ("https",)
    if parts.scheme not in allowed or not parts.hostname or parts.query or parts.fragment:
        raise ValidationError(
            {"issuer": _("Enter the issuer as an https:// URL without query or fragment.")}
        )
    if "/.well-known/" in parts.path:
        raise ValidationError(
            {"issuer": _("Enter the issuer itself, without /.well-known/openid-configuration.")}
        )
    return issuer


def _clean_domains(organisation: Organisation, domains, identity_provider) -> list[str]:
    domains = sorted({d.strip().lower() for d in domains if d.strip()})
    if not domains:
        raise ValidationError({"domains": _("Route at least one of the organisation's domains.")})
    foreign = [d for d in domains if d not in organisation.email_domains]
    if foreign:
        raise ValidationError(
            {
                "domains": _("%(domains)s is not one of %(organisation)s's email domains.")
                % {"domains": ", ".join(foreign), "organisation": organisation.name}
            }
        )
    # A domain another organisation also lists would let this provider sign in that
    # organisation's people too (accounts are linked by verified address).
    shared = sorted(
        {
            domain
            for other in Organisation.objects.exclude(pk=organisation.pk).only("email_domains")
            for domain in other.email_domains
            if domain in domains
        }
    )
    if shared:
        raise ValidationError(
            {
                "domains": _(
                    "%(domains)s is also an email domain of another organisation; an identity "
                    "provider can only route domains that belong to its organisation alone."
                )
                % {"domains": ", ".join(shared)}
            }
        )
    taken = RoutedDomain.objects.filter(domain__in=domains)
    if identity_provider is not None:
        taken = taken.exclude(identity_provider=identity_provider)
    taken = sorted(taken.values_list("domain", flat=True))
    if taken:
        raise ValidationError(
            {
                "domains": _("%(domains)s already goes to another identity provider.")
                % {"domains": ", ".join(taken)}
            }
        )
    return domains


@transaction.atomic
def identity_provider_save(
    *,
    organisation: Organisation,
    issuer: str,
    client_id: str,
    client_secret: str,
    domains: list[str],
    enforce: bool,
    changed_by,
    request=None,
) -> IdentityProvider:
    """Create or change the organisation's identity provider. An empty secret keeps the stored
    one; the secret itself never reaches the audit log or a page."""
    identity_provider = (
        IdentityProvider.objects.select_for_update()
        .select_related("social_app")
        .filter(organisation=organisation)
        .first()
    )
    issuer = _clean_issuer(issuer)
    client_id = (client_id or "").strip()
    if not client_id:
        raise ValidationError({"client_id": _("Enter the client id the provider gave you.")})
    if identity_provider is None and not client_secret:
        raise ValidationError({"client_secret": _("Enter the client secret.")})
    domains = _clean_domains(organisation, domains, identity_provider)

    now = timezone.now()
    if identity_provider is None:
        app = SocialApp(provider=PROVIDER, provider_id=provider_id_for(organisation))
        previous = None
    else:
        app = identity_provider.social_app
        previous = {
            "issuer": identity_provider.issuer,
            "client_id": app.client_id,
            "domains": identity_provider.domain_names,
            "enforce": identity_provider.enforce,
        }
    app.name = organisation.name[:40]
    app.client_id = client_id
    if client_secret:
        app.secret = client_secret
    # PKCE on top of the client secret; the ID token's signature is always checked
    # (trustcentre/sso/provider.py), whatever the transport.
    app.settings = {**app.settings, "server_url": issuer, "oauth_pkce_enabled": True}
    app.save()
    app.sites.add(Site.objects.get_current())

    if identity_provider is None:
        identity_provider = IdentityProvider.objects.create(
            organisation=organisation,
            social_app=app,
            enforce=enforce,
            created_at=now,
            updated_at=now,
            updated_by=changed_by,
        )
    else:
        identity_provider.enforce = enforce
        identity_provider.updated_at = now
        identity_provider.updated_by = changed_by
        identity_provider.save(update_fields=["enforce", "updated_at", "updated_by"])
        identity_provider.domains.exclude(domain__in=domains).delete()
    existing = set(identity_provider.domains.values_list("domain", flat=True))
    RoutedDomain.objects.bulk_create(
        RoutedDomain(identity_provider=identity_provider, domain=d)
        for d in domains
        if d not in existing
    )

    current = {"issuer": issuer, "client_id": client_id, "domains": domains, "enforce": enforce}
    if previous is None:
        action, changed = "sso.provider_configured", sorted(current)
    else:
        action = "sso.provider_changed"
        changed = sorted(key for key in current if current[key] != previous[key])
    if client_secret:
        changed = sorted({*changed, "client_secret"})
    audit_record(
        action=action,
        actor=changed_by,
        obj=identity_provider,
        organisation=organisation,
        request=request,
        details={
            "provider_id": app.provider_id,
            "issuer": issuer,
            "domains": domains,
            "enforce": enforce,
            "changed": changed,
        },
    )
    return identity_provider


@transaction.atomic
def identity_provider_remove(*, identity_provider: IdentityProvider, removed_by, request=None):
    """People of the domains sign in with a password again (or reset it) from now on."""
    organisation = identity_provider.organisation
    app = identity_provider.social_app
    details = {"provider_id": app.provider_id, "domains": identity_provider.domain_names}
    audit_record(
        action="sso.provider_removed",
        actor=removed_by,
        obj=identity_provider,
        organisation=organisation,
        request=request,
        details=details,
    )
    identity_provider.delete()
    app.delete()


# --- signing in ----------------------------------------------------------------------------


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or {}


def _is_true(value) -> bool:
    # Some providers send the boolean as a string; anything else means "not verified".
    return value is True or (isinstance(value, str) and value.lower() == "true")


def sign_in_check(*, sociallogin) -> tuple[IdentityProvider, str]:
    """Accept the provider's answer only for a sign-in started here (the nonce), for an address
    the provider says is verified, at a domain routed to that very provider. Returns the
    identity provider and the address; raises SignInRefused otherwise."""
    app = sociallogin.account.get_provider().app if sociallogin.account else None
    identity_provider = identity_provider_for_app(app)
    if identity_provider is None:
        raise SignInRefused("unknown_provider", _("This identity provider is not set up here."))
    state = sociallogin.state or {}
    if state.get("process") != "login":
        raise SignInRefused(
            "not_a_sign_in", _("Single sign-on can only be used to sign in to the portal.")
        )
    expected = state.get(NONCE_STATE_KEY) or ""
    received = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce") or ""
    if not expected or not hmac.compare_digest(str(expected), str(received)):
        raise SignInRefused(
            "nonce_mismatch", _("This sign-in was not started here. Please start again.")
        )
    claims = _claims(sociallogin)
    email = (claims.get("email") or "").strip().lower()
    if not email or not _is_true(claims.get("email_verified")):
        raise SignInRefused(
            "email_not_verified",
            _("Your identity provider did not confirm a verified email address."),
        )
    domain = email_domain(email)
    if domain not in identity_provider.domain_names:
        raise SignInRefused(
            "domain_not_routed",
            _("%(organisation)s's identity provider cannot sign in addresses at %(domain)s.")
            % {"organisation": identity_provider.organisation.name, "domain": domain},
        )
    user = sociallogin.user
    if user.pk and user.email.lower() != email:
        raise SignInRefused(
            "email_changed",
            _("Your identity provider now gives another address for you; ask us to update it."),
        )
    return identity_provider, email


def can_link_by_email(*, sociallogin, email: str) -> bool:
    """An existing account is linked only for an address the provider says is verified, at a
    domain routed to that provider: then the organisation's provider controls the mailbox."""
    app = sociallogin.account.get_provider().app if sociallogin.account else None
    identity_provider = identity_provider_for_app(app)
    claims = _claims(sociallogin)
    return (
        identity_provider is not None
        and _is_true(claims.get("email_verified"))
        and (claims.get("email") or "").strip().lower() == email.lower()
        and email_domain(email) in identity_provider.domain_names
    )


@transaction.atomic
def sign_in_completed(*, user, identity_provider: IdentityProvider, email: str, request=None):
    """After the login: the address counts as verified, and the person belongs to the
    organisation (as a member unless they already have a role there)."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    organisation = identity_provider.organisation
    # The organisation's own identity provider vouched for the person, so its admins are not
    # emailed about each colleague's first sign-in as they are for a join by email domain.
    membership, _created = membership_join(
        organisation=organisation, user=user, via="sso", tell_admins=False, request=request
    )
    audit_record(
        action="sso.signed_in",
        actor=user,
        obj=identity_provider,
        organisation=organisation,
        request=request,
        details={"provider_id": identity_provider.provider_id, "domain": email_domain(email)},
    )
    return membership


@transaction.atomic
def sign_in_refused(*, code: str, identity_provider: IdentityProvider | None, request=None):
    audit_record(
        action="sso.sign_in_refused",
        actor_label="identity provider",
        obj=identity_provider,
        object_type="" if identity_provider else "sso.identityprovider",
        object_id="" if identity_provider else "-",
        organisation=identity_provider.organisation if identity_provider else None,
        request=request,
        details={"reason": code},
    )
