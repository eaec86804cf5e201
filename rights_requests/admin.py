from django.contrib import admin

from rights_requests.models import FulfilmentJob, Referral, RightsRequest


@admin.register(RightsRequest)
class RightsRequestAdmin(admin.ModelAdmin):
    list_display = ("reference", "type", "jurisdiction", "status", "received_at", "due_date")
    list_filter = ("status", "type", "jurisdiction")
    search_fields = ("reference", "email")
    readonly_fields = ("reference", "received_at", "verified_at", "due_date")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("request", "organisation", "matched_by", "instruction")


@admin.register(FulfilmentJob)
class FulfilmentJobAdmin(admin.ModelAdmin):
    list_display = ("public_id", "request", "kind", "status", "progress", "finished_at")
