from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import (
    Benchmark,
    DataQualityCheck,
    DataQualityIssue,
    DeadlineDigest,
    ImportFile,
    ImportRun,
    PopulationEstimate,
    User,
)

admin.site.register(User, UserAdmin)


class SendingFilter(admin.SimpleListFilter):
    title = "sending"
    parameter_name = "sending"

    def lookups(self, request, model_admin):
        return [("unsent", "Not sent yet"), ("failed", "Failed at least once"), ("sent", "Sent")]

    def queryset(self, request, queryset):
        if self.value() == "unsent":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "failed":
            return queryset.exclude(last_error="")
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(DeadlineDigest)
class DeadlineDigestAdmin(admin.ModelAdmin):
    """Administrators watch here for alerts that have not gone out."""

    list_display = [
        "for_date",
        "recipient",
        "role",
        "item_count",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = [SendingFilter, "role", "for_date"]
    readonly_fields = [f.name for f in DeadlineDigest._meta.fields]
    actions = ["send_now"]

    @admin.display(description="items")
    def item_count(self, obj):
        return len(obj.items)

    @admin.action(description="Send the selected alerts now")
    def send_now(self, request, queryset):
        from .notifications import deadline_digest_send

        sent = failed = 0
        for digest in queryset.filter(sent_at__isnull=True):
            try:
                sent += deadline_digest_send(digest_id=digest.pk)
            except Exception:
                failed += 1
        self.message_user(request, f"{sent} sent, {failed} failed.")

    def has_add_permission(self, request):
        return False


@admin.register(PopulationEstimate)
class PopulationEstimateAdmin(admin.ModelAdmin):
    list_display = ["year", "children_0_to_17", "source"]


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "comparator", "value"]
    list_filter = ["indicator", "comparator", "year"]


# Uploads and data-quality checks: for administrators to see, not to edit ------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImportFileInline(admin.TabularInline):
    model = ImportFile
    fields = ["name", "size"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Uploads in the browser; `error` holds what went wrong when a load failed oddly."""

    list_display = ["pk", "uploaded_at", "kind", "uploaded_by", "status", "finished_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["uploaded_by"]
    inlines = [ImportFileInline]


@admin.register(DataQualityCheck)
class DataQualityCheckAdmin(ReadOnlyAdmin):
    list_display = ["return_name", "year", "outcome", "issue_count", "checked_at", "message"]
    list_filter = ["return_name", "outcome"]


@admin.register(DataQualityIssue)
class DataQualityIssueAdmin(ReadOnlyAdmin):
    list_display = ["return_name", "year", "child_ref", "rule", "severity", "found_at"]
    list_filter = ["return_name", "year", "severity", "rule"]
    search_fields = ["child_ref", "rule"]
