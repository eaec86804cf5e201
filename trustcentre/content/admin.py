from django.contrib import admin

from trustcentre.content.models import (
    Certification,
    Control,
    ControlGroup,
    FaqCategory,
    FaqEntry,
    Overview,
)

REVIEW_FIELDS = ("owner", "next_review_on", "last_reviewed_at", "last_reviewed_by")


@admin.register(Overview)
class OverviewAdmin(admin.ModelAdmin):
    list_display = ("heading", "updated_at")


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer", "valid_from", "valid_until", "document")
    autocomplete_fields = ("document",)


class ControlInline(admin.TabularInline):
    model = Control
    fields = ("title", "order", "owner", "next_review_on")
    extra = 0


@admin.register(ControlGroup)
class ControlGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ControlInline]


@admin.register(Control)
class ControlAdmin(admin.ModelAdmin):
    list_display = ("title", "group", "owner", "next_review_on")
    list_filter = ("group",)
    search_fields = ("title", "description")
    readonly_fields = ("last_reviewed_at", "last_reviewed_by")


@admin.register(FaqCategory)
class FaqCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "category", "owner", "next_review_on")
    list_filter = ("category",)
    search_fields = ("question", "answer")
    readonly_fields = ("last_reviewed_at", "last_reviewed_by")
