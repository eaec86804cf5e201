"""Read-mostly admin: a published version and an executed agreement are shown, never changed;
the model refuses the change too, and an attempt is audited."""

from django.contrib import admin, messages

from dpa.models import Agreement, DpaVersion, Frozen, Reminder
from trustcentre.audit.services import audit_record


@admin.register(DpaVersion)
class DpaVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "published_at", "objection_window_days")
    list_filter = ("status",)
    readonly_fields = ("public_id", "number", "status", "published_at", "published_by")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "status", "version", "signed_at", "executed_at")
    list_filter = ("status", "kind")
    search_fields = ("organisation__name", "customer_legal_name")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False  # agreements are made by signing or by the upload page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except Frozen as refusal:
            audit_record(
                action="dpa.change_refused",
                request=request,
                obj=obj,
                organisation=obj.organisation,
                details={"reason": "admin change of an executed agreement"},
            )
            messages.error(request, refusal.messages[0])


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("organisation", "version", "sent_at", "recipients")
    readonly_fields = ("organisation", "version", "sent_by", "sent_at", "recipients")
