from django.contrib import admin

from returns.models import (
    DataQualityCheck,
    DataQualityIssue,
    ImportFile,
    ImportRun,
    ReturnRow,
)

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


@admin.register(ReturnRow)
class ReturnRowAdmin(admin.ModelAdmin):
    """Rows as loaded from SSDA903 returns: read only, replaced by loading the year again."""

    list_display = ["child", "year", "table", "position"]
    list_filter = ["year", "table"]
    search_fields = ["child__child_id"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
