from django.contrib import admin

from trustcentre.documents.models import (
    AccessGrant,
    AccessRequest,
    Document,
    DocumentCategory,
    DocumentVersion,
    NdaAcceptance,
    NdaVersion,
)


@admin.register(DocumentCategory)
class DocumentCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    prepopulated_fields = {"slug": ("name",)}


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ("number", "filename", "size", "sha256", "is_encrypted", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # new versions go through the staff page, which checks the file


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "access_level", "owner", "next_review_on")
    list_filter = ("access_level", "category")
    search_fields = ("title", "description")
    readonly_fields = ("last_reviewed_at", "last_reviewed_by")
    inlines = [VersionInline]


@admin.register(NdaVersion)
class NdaVersionAdmin(admin.ModelAdmin):
    """Append-only: a published text is never edited; publish a new version instead."""

    list_display = ("number", "title", "published_at", "sha256")
    readonly_fields = ("sha256",)

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        import hashlib

        from django.db.models import Max

        obj.sha256 = hashlib.sha256(obj.text.encode()).hexdigest()
        if not obj.number:
            obj.number = (NdaVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NdaAcceptance)
class NdaAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ("email", "company", "kind", "status", "accepted_at", "expires_at")
    list_filter = ("kind", "status")


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ("email", "company", "status", "rule", "created_at", "decided_at")
    list_filter = ("status", "rule")


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "granted_at", "expires_at", "revoked_at")
