"""Reactions to django-allauth's and Django's sign-in signals."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from trustcentre.accounts.middleware import SESSION_LAST_SEEN_KEY, SESSION_STARTED_KEY
from trustcentre.accounts.services import organisation_join_by_domain


@receiver(email_confirmed, dispatch_uid="accounts.join_organisations_by_domain")
def join_organisations_by_domain(sender, request, email_address, **kwargs):
    organisation_join_by_domain(user=email_address.user, request=request)


@receiver(user_logged_in, dispatch_uid="accounts.start_session_clock")
def start_session_clock(sender, request, user, **kwargs):
    """The absolute lifetime of a staff session counts from the sign-in, not the first page."""
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_LAST_SEEN_KEY] = now
