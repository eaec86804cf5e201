"""After allauth has signed someone in through an organisation's identity provider."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from trustcentre.sso.models import IdentityProvider
from trustcentre.sso.services import sign_in_completed


@receiver(user_logged_in, dispatch_uid="sso.complete_sign_in")
def complete_sign_in(sender, request, user, sociallogin=None, **kwargs):
    state = getattr(sociallogin, "state", None) or {}
    if "sso_identity_provider" not in state:
        return
    identity_provider = (
        IdentityProvider.objects.select_related("organisation", "social_app")
        .filter(pk=state["sso_identity_provider"])
        .first()
    )
    if identity_provider is None:  # removed by staff while this person was at the provider
        return
    sign_in_completed(
        user=user, identity_provider=identity_provider, email=state["sso_email"], request=request
    )
