"""Django admin for users, organisations, memberships and invitations.

Changes that have rules (who may join, the last admin, invitations) go through the staff
pages, which call the services; here memberships and invitations are read-only, and
organisation edits are routed through the same services so they are audited."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from trustcentre.accounts import services
from trustcentre.accounts.models import Invitation, Membership, Organisation, User
from trustcentre.accounts.permissions import can_edit_organisation
from trustcentre.audit.services import audit_record


class UserCreationByEmailForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeByEmailForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("organisation", "user", "role", "joined_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeByEmailForm
    add_form = UserCreationByEmailForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_superuser", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    readonly_fields = ("public_id", "last_login", "date_joined")
    inlines = [MembershipInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    fieldsets = (
        (None, {"fields": ("email", "password", "public_id")}),
        (_("Personal info"), {"fields": ("full_name", "time_zone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Staff flags and groups are privileges: who changed them belongs in the audit log.
        changed = sorted(form.changed_data)
        if changed:
            audit_record(
                action="user.changed_in_admin" if change else "user.created_in_admin",
                obj=obj,
                request=request,
                details={"changed": changed},
            )


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = (
            "name",
            "kind",
            "email_domains",
            "allow_domain_join",
            "contract_start",
            "contract_end",
        )

    def clean_email_domains(self):
        domains = self.cleaned_data["email_domains"]
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise ValidationError(_('Enter a list of domains, e.g. ["example.com"].'))
        return services.organisation_clean_domains(domains)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("name", "slug", "kind", "allow_domain_join", "contract_start", "contract_end")
    list_filter = ("kind", "allow_domain_join")
    search_fields = ("name", "slug")
    readonly_fields = ("public_id", "tenant_id", "slug", "created_at")
    fields = (
        "name",
        "slug",
        "kind",
        "email_domains",
        "allow_domain_join",
        "contract_start",
        "contract_end",
        "public_id",
        "tenant_id",
        "created_at",
    )
    inlines = [MembershipInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        # The services keep the name and slug once made (the slug is in URLs and documents).
        if obj is not None:
            return (*self.readonly_fields, "name")
        return self.readonly_fields

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can_edit_organisation(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit_organisation(request.user)

    def has_delete_permission(self, request, obj=None):
        # Deleting would cascade to agreements and audit references; end the contract instead.
        return False

    def save_model(self, request, obj, form, change):
        # Through the services, so an admin edit is audited like one on the staff pages.
        data = {
            field: form.cleaned_data[field]
            for field in (
                "kind",
                "email_domains",
                "allow_domain_join",
                "contract_start",
                "contract_end",
            )
        }
        if change:
            # The form has already copied its values onto `obj`; the service compares
            # against what is stored, to save and audit exactly what changed.
            services.organisation_update(
                organisation=Organisation.objects.get(pk=obj.pk),
                **data,
                changed_by=request.user,
                request=request,
            )
        else:
            created = services.organisation_create(
                name=form.cleaned_data["name"], **data, created_by=request.user, request=request
            )
            # The admin goes on to log and redirect with `obj`: make it the stored row.
            for field in ("id", "slug", "public_id", "tenant_id", "created_at"):
                setattr(obj, field, getattr(created, field))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "joined_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__email", "organisation__name", "organisation__slug")
    list_select_related = ("user", "organisation")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("role",)
    search_fields = ("email", "organisation__name", "organisation__slug")
    list_select_related = ("organisation",)
    readonly_fields = (
        "public_id",
        "organisation",
        "email",
        "role",
        "token_hash",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Withdraw the selected open invitations"))
    def revoke(self, request, queryset):
        withdrawn = 0
        for invitation in queryset.select_related("organisation"):
            try:
                services.invitation_revoke(
                    invitation=invitation, revoked_by=request.user, request=request
                )
                withdrawn += 1
            except (ValidationError, PermissionDenied):
                continue
        self.message_user(request, _("%(count)d invitation(s) withdrawn.") % {"count": withdrawn})


# API keys ------------------------------------------------------------------------------------
# Appended by the API work; the lead may move these imports to the top.
from trustcentre.accounts import api_keys as api_key_services  # noqa: E402
from trustcentre.accounts.models import ApiKey  # noqa: E402


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read-only, with a revoke action. Keys are created on the organisation's API keys page or
    with `manage.py create_api_key`, the two places that can show the plaintext once."""

    list_display = ("name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("name", "prefix", "organisation__name", "organisation__slug")
    list_select_related = ("organisation",)
    readonly_fields = (
        "public_id",
        "organisation",
        "name",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    fields = readonly_fields  # never secret_hash: it has no use to a person
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset):
        revoked = 0
        for api_key in queryset.select_related("organisation"):
            try:
                api_key_services.api_key_revoke(
                    api_key=api_key, revoked_by=request.user, request=request
                )
                revoked += 1
            except (ValidationError, PermissionDenied):
                continue
        self.message_user(request, _("%(count)d API key(s) revoked.") % {"count": revoked})
