from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fostering.models import FosterCarerHousehold, FosterCarerReview


class ReviewInline(admin.TabularInline):
    model = FosterCarerReview
    extra = 0


@admin.register(FosterCarerHousehold)
class FosterCarerHouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "name", "approved_on", "next_review_due", "reviewing_officer"]
    search_fields = ["reference", "name"]
    readonly_fields = ["next_review_due", "next_review_reason"]
    inlines = [ReviewInline]
