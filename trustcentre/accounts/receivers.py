"""Reactions to django-allauth's signals; each one calls a service."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from trustcentre.accounts.services import organisation_join_by_domain


@receiver(email_confirmed, dispatch_uid="accounts.join_organisations_by_domain")
def join_organisations_by_domain(sender, request, email_address, **kwargs):
    organisation_join_by_domain(user=email_address.user, request=request)
