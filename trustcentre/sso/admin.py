"""Admin: identity providers read-only, and allauth's SocialApp without its secret on screen
(allauth's own admin shows the client secret in a text box)."""

from allauth.socialaccount.admin import SocialAppAdmin
from allauth.socialaccount.models import SocialApp
from django.contrib import admin

from trustcentre.sso.models import IdentityProvider


class SecretHidingSocialAppAdmin(SocialAppAdmin):
    exclude = ("secret",)


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
