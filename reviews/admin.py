from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    AdoptionDecision,
    AdoptionPlacement,
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    PlacementOrder,
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
