from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    Section47Enquiry,
)


@admin.register(Section47Enquiry)
class Section47EnquiryAdmin(SimpleHistoryAdmin):
    list_display = ["child", "strategy_discussion_on", "icpc_due", "concluded_on"]
    search_fields = ["child__child_id"]
    readonly_fields = ["icpc_due", "icpc_due_reason"]


@admin.register(ChildProtectionPlan)
class ChildProtectionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["child", "started_on", "ended_on", "initial_category", "next_review_due"]
    search_fields = ["child__child_id"]
    list_filter = ["initial_category"]
    readonly_fields = ["next_review_due", "next_review_reason"]


class ConferenceChildInline(admin.TabularInline):
    model = ConferenceChild
    extra = 0
    raw_id_fields = ["child", "section47", "plan"]


class InvitationInline(admin.TabularInline):
    model = ConferenceInvitation
    extra = 0


@admin.register(ChildProtectionConference)
class ChildProtectionConferenceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "status", "scheduled_for", "held_on", "chair"]
    list_filter = ["kind", "status"]
    inlines = [ConferenceChildInline, InvitationInline]
