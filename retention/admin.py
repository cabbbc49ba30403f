from django.contrib import admin

from retention.models import RetentionRun


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """The record of every retention run: read here, never changed."""

    list_display = ["ran_at", "as_of", "applied", "ran_by", "due", "changed"]
    list_filter = ["applied"]
    readonly_fields = ["ran_at", "ran_by", "as_of", "applied", "due", "changed", "child_pks"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
