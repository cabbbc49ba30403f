from django.contrib import admin

from core.service_admin import ReadOnlyInline, ServiceOwnedAdmin
from fostering.models import FosterCarerHousehold, FosterCarerReview


class ReviewInline(ReadOnlyInline):
    model = FosterCarerReview


@admin.register(FosterCarerHousehold)
class FosterCarerHouseholdAdmin(ServiceOwnedAdmin):
    service_fields = [
        "approved_on",
        "approval_ended_on",
        "reviewing_officer",
        "next_review_due",
        "next_review_reason",
    ]
    list_display = ["reference", "name", "approved_on", "next_review_due", "reviewing_officer"]
    search_fields = ["reference", "name"]
    inlines = [ReviewInline]
