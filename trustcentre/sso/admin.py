"""Admin: identity providers read-only, and allauth's SocialApp without its secret on screen
(allauth's own admin shows the client secret in a text box) and read-only once it is an
organisation's identity provider."""

from allauth.socialaccount.admin import SocialAppAdmin
from allauth.socialaccount.models import SocialApp
from django.contrib import admin

from trustcentre.sso.models import IdentityProvider


class SecretHidingSocialAppAdmin(SocialAppAdmin):
    exclude = ("secret",)

    def _is_identity_provider(self, obj) -> bool:
        return obj is not None and IdentityProvider.objects.filter(social_app=obj).exists()

    # An organisation's issuer and client id change on /staff/sso/ only, where the change is
    # validated and audited; here they can be looked at.
    def has_change_permission(self, request, obj=None):
        if self._is_identity_provider(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._is_identity_provider(obj):
            return False
        return super().has_delete_permission(request, obj)


if admin.site.is_registered(SocialApp):
    admin.site.unregister(SocialApp)
admin.site.register(SocialApp, SecretHidingSocialAppAdmin)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ("organisation", "social_app", "enforce", "updated_at")
    readonly_fields = ("public_id", "organisation", "social_app", "enforce", "updated_by")

    def has_add_permission(self, request):
        # Configured on /staff/sso/, where every change is audited.
        return False

    def has_change_permission(self, request, obj=None):
        return False
