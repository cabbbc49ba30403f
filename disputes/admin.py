from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.service_admin import ReadOnlyInline, ServiceOwnedAdmin
from disputes.models import Dispute, DisputeLevel, DisputeStage


@admin.register(DisputeLevel)
class DisputeLevelAdmin(SimpleHistoryAdmin):
    list_display = ["rank", "name", "response_working_days", "active"]


class StageInline(ReadOnlyInline):
    model = DisputeStage


@admin.register(Dispute)
class DisputeAdmin(ServiceOwnedAdmin):
    service_fields = [
        "child",
        "raised_by",
        "raised_on",
        "status",
        "outcome",
        "resolved_on",
        "resolved_at_level",
        "formal_due_on",
    ]
    list_display = ["child", "category", "status", "raised_on", "resolved_on", "resolved_at_level"]
    list_filter = ["status", "category"]
    search_fields = ["child__child_id"]
    inlines = [StageInline]
