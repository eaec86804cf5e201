"""django-allauth adapter: how the portal's accounts differ from allauth's defaults."""

import secrets
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from trustcentre.accounts.mfa import second_factor_redirect
from trustcentre.lib.client import client_address
from trustcentre.notifications.services import email_enqueue_rendered

# RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets.
EMAIL_MAX_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # allauth's "Try again later" alone does not say how long, nor what else to do (a
        # password reset clears the count for the address; ACCOUNT_RATE_LIMITS "login_failed").
        "too_many_login_attempts": _(
            "Too many failed login attempts. Try again later. Wait up to 5 minutes, "
            "or reset your password if you have forgotten it."
        ),
    }

    def clean_email(self, email: str) -> str:
        """Every address allauth takes (sign-up, password reset, a new address) fits the
        account's email field and is one Django would send to. allauth would otherwise cut a
        longer one to fit, creating an account for an address nobody owns."""
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                _("An email address has at most %(limit)d characters; this one has %(length)d.")
                % {"limit": EMAIL_MAX_LENGTH, "length": len(email)}
            )
        validate_email(email)
        return super().clean_email(email)

    def get_client_ip(self, request) -> str:
        """The address allauth's per-IP limits count on (sign-in failures, sign-ups, password
        resets). allauth's own reads the first X-Forwarded-For entry, which the client writes:
        a different made-up address on every attempt would escape the limit."""
        return client_address(request)

    def get_login_redirect_url(self, request):
        """After the password, the second factor comes before anything else: the verify page
        for anyone with an authenticator, enrolment for staff without one. A `next` given to
        the login form bypasses this method; StaffSecondFactorMiddleware catches that case."""
        url = super().get_login_redirect_url(request)
        return second_factor_redirect(request, url) or url

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The link in a confirmation email carries the page the person was heading for (a
        gated document's "Create an account" passes it to sign-up as `next`), so confirming
        lands there instead of on the portal's front page."""
        from allauth.account.utils import get_next_redirect_url

        url = super().get_email_confirmation_url(request, emailconfirmation)
        next_url = get_next_redirect_url(request) if request is not None else None
        if next_url:
            url = f"{url}?{urlencode({'next': next_url})}"
        return url

    def send_account_already_exists_mail(self, email: str) -> None:
        # A sign-up with a new address hashes its password; one with a known address would
        # not, and the difference in time would tell which addresses have accounts.
        make_password(secrets.token_urlsafe(16))
        super().send_account_already_exists_mail(email)

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (confirmation, password reset, ...) go through the outbox like every
        other email: stored first, delivered by a worker, visible in the portal and /dev/mail/."""
        from uuid import uuid4

        from allauth.account.models import EmailAddress
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site
        from django.utils.html import strip_tags

        request = allauth_context.request
        full_context = {"request": request, "email": email}
        full_context["current_site"] = get_current_site(request)
        full_context["provider_name"] = settings.PROVIDER_NAME
        full_context["site_url"] = settings.SITE_URL
        full_context.update(context)
        rendered = self.render_mail(template_prefix, email, full_context)
        if rendered.content_subtype == "html":
            body_html, body_text = rendered.body, strip_tags(rendered.body)
        else:
            alternatives = getattr(rendered, "alternatives", [])
            html = [content for content, mimetype in alternatives if mimetype == "text/html"]
            body_html, body_text = (html[0] if html else ""), rendered.body
        address = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        email_enqueue_rendered(
            to=email,
            subject=rendered.subject,
            body_text=body_text,
            body_html=body_html,
            cause=f"allauth:{template_prefix}:{uuid4()}",
            template=template_prefix,
            recipient=address.user if address else None,
        )
