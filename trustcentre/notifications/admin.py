"""Read-only admin for the outbox: what was sent, to whom, and how each attempt went."""

from django.contrib import admin

from trustcentre.notifications.models import (
    DeliveryAttempt,
    OutboxMessage,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookMessage,
)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "finished_at", "outcome", "retry_at", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to_email", "cause", "subject"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Webhooks (read-only: endpoints are managed by customers' admins in the portal) ------------


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organisation", "is_active", "created_at", "disabled_at"]
    list_filter = ["is_active"]
    exclude = ["secret"]
    readonly_fields = ["url", "organisation", "events", "description", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "finished_at", "status_code", "succeeded", "error"]
    readonly_fields = fields


@admin.register(WebhookMessage)
class WebhookMessageAdmin(admin.ModelAdmin):
    list_display = ["event_type", "endpoint", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "event_type"]
    inlines = [WebhookAttemptInline]
    readonly_fields = [field.name for field in WebhookMessage._meta.fields]

    def has_add_permission(self, request):
        return False
