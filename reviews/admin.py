from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.service_admin import ALL_FIELDS, ReadOnlyInline, ServiceOwnedAdmin
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


class EpisodeInline(ReadOnlyInline):
    model = Episode
    fields = [
        "started_on",
        "reason_new_episode",
        "legal_status",
        "placement",
        "ended_on",
        "reason_ceased",
    ]


@admin.register(PeriodOfCare)
class PeriodOfCareAdmin(ServiceOwnedAdmin):
    # Periods are regrouped from the episodes by reviews.services.
    service_fields = ALL_FIELDS
    list_display = ["child", "started_on", "ended_on", "next_review_due", "next_review_reason"]
    search_fields = ["child__child_id"]
    inlines = [EpisodeInline]


@admin.register(Episode)
class EpisodeAdmin(ServiceOwnedAdmin):
    # Every field can move a period's start or end, and with it the review clock.
    service_fields = ALL_FIELDS
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
class LookedAfterReviewAdmin(ServiceOwnedAdmin):
    service_fields = [
        "child",
        "period",
        "status",
        "number",
        "due_on",
        "due_reason",
        "scheduled_for",
        "held_on",
        "cancellation_reason",
    ]
    list_display = ["child", "status", "number", "due_on", "held_on", "participation_code"]
    list_filter = ["status", "participation_code"]
    search_fields = ["child__child_id"]
    inlines = [DecisionInline]


class AdoptionScheduleAdmin(ServiceOwnedAdmin):
    """Placement orders, adoption placements and decisions set the adoption reviews."""

    service_fields = ALL_FIELDS


admin.site.register(PlacementOrder, AdoptionScheduleAdmin)
admin.site.register(AdoptionPlacement, AdoptionScheduleAdmin)
admin.site.register(AdoptionDecision, AdoptionScheduleAdmin)
admin.site.register(IROContact, SimpleHistoryAdmin)
