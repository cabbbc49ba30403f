from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from disputes.models import Dispute, DisputeLevel, DisputeStage


@admin.register(DisputeLevel)
class DisputeLevelAdmin(SimpleHistoryAdmin):
    list_display = ["rank", "name", "response_working_days", "active"]


class StageInline(admin.TabularInline):
    model = DisputeStage
    extra = 0


@admin.register(Dispute)
class DisputeAdmin(SimpleHistoryAdmin):
    list_display = ["child", "category", "status", "raised_on", "resolved_on", "resolved_at_level"]
    list_filter = ["status", "category"]
    search_fields = ["child__child_id"]
    inlines = [StageInline]
