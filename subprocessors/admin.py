"""Read-mostly admin for the register and its records; changes go through legal's workbench."""

from django.contrib import admin

from subprocessors.models import (
    ChangeNotice,
    CustomerScope,
    ListVersion,
    NoticeDispatch,
    Objection,
    SubProcessor,
    Subscription,
)


@admin.register(SubProcessor)
class SubProcessorAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_entity", "status", "transfer_mechanism"]
    list_filter = ["status", "transfer_mechanism"]
    search_fields = ["name", "legal_entity"]


@admin.register(CustomerScope)
class CustomerScopeAdmin(admin.ModelAdmin):
    list_display = ["organisation", "services", "regions"]


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(admin.ModelAdmin):
    list_display = ["summary", "kind", "status", "announced_at", "effective_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in ChangeNotice._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ListVersion)
class ListVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "published_at", "notice"]
    readonly_fields = ["number", "published_at", "notice", "entries"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # kept forever: a DPA annex names its version


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "notice", "status", "resolution", "created_at"]
    list_filter = ["status", "resolution"]
    readonly_fields = [f.name for f in Objection._meta.fields]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "topics", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    exclude = ["confirm_token_hash"]


@admin.register(NoticeDispatch)
class NoticeDispatchAdmin(admin.ModelAdmin):
    list_display = ["public_id", "status", "recipients_done", "recipients_total", "send_after"]
    readonly_fields = [f.name for f in NoticeDispatch._meta.fields]
