from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AdoptionDecision,
    AdoptionPlacement,
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    PlacementOrder,
    ReturnRow,
    ReviewDecision,
)


class EpisodeInline(admin.TabularInline):
    model = Episode
    extra = 0
    fields = [
        "started_on",
        "reason_new_episode",
        "legal_status",
        "placement",
        "ended_on",
        "reason_ceased",
    ]


@admin.register(PeriodOfCare)
class PeriodOfCareAdmin(SimpleHistoryAdmin):
    list_display = ["child", "started_on", "ended_on", "next_review_due", "next_review_reason"]
    search_fields = ["child__child_id"]
    readonly_fields = ["next_review_due", "next_review_reason"]
    inlines = [EpisodeInline]


@admin.register(Episode)
class EpisodeAdmin(SimpleHistoryAdmin):
    list_display = [
        "child",
        "started_on",
        "reason_new_episode",
        "legal_status",
        "placement",
        "ended_on",
    ]
    search_fields = ["child__child_id"]
    list_filter = ["legal_status", "placement"]


class DecisionInline(admin.TabularInline):
    model = ReviewDecision
    extra = 0


@admin.register(LookedAfterReview)
class LookedAfterReviewAdmin(SimpleHistoryAdmin):
    list_display = ["child", "status", "number", "due_on", "held_on", "participation_code"]
    list_filter = ["status", "participation_code"]
    search_fields = ["child__child_id"]
    readonly_fields = ["number", "due_on", "due_reason"]
    inlines = [DecisionInline]


admin.site.register(PlacementOrder, SimpleHistoryAdmin)
admin.site.register(AdoptionPlacement, SimpleHistoryAdmin)
admin.site.register(IROContact, SimpleHistoryAdmin)
admin.site.register(AdoptionDecision, SimpleHistoryAdmin)


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
