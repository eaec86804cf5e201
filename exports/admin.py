"""Read-only admin views of export jobs and the suppression list; changes go through services."""

from django.contrib import admin

from exports.models import ExportJob, SuppressionEntry


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "organisation",
        "format",
        "status",
        "progress",
        "created_at",
        "expires_at",
    )
    list_filter = ("status", "format")
    search_fields = ("public_id", "organisation__slug")
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SuppressionEntry)
class SuppressionEntryAdmin(admin.ModelAdmin):
    list_display = ("public_id", "tenant_id", "kind", "created_at")
    list_filter = ("kind",)
    readonly_fields = [field.name for field in SuppressionEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
