from django.contrib import admin

from core.service_admin import ALL_FIELDS, ReadOnlyInline, ServiceOwnedAdmin
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceDecision,
    ConferenceInvitation,
    ConferenceMove,
    Section47Enquiry,
    TransferIn,
)


@admin.register(Section47Enquiry)
class Section47EnquiryAdmin(ServiceOwnedAdmin):
    service_fields = [
        "child",
        "strategy_discussion_on",
        "icpc_not_required",
        "concluded_on",
        "icpc_due",
        "icpc_due_reason",
        "referral_on",
        "withdrawn_at",
        "withdrawn_reason",
        "withdrawn_by",
    ]
    list_display = ["child", "strategy_discussion_on", "icpc_due", "concluded_on", "withdrawn_at"]
    search_fields = ["child__child_id"]

    def get_queryset(self, request):
        # Withdrawn enquiries too: corrected and withdrawn on the child's record.
        return Section47Enquiry.all_objects.select_related("child")


@admin.register(ChildProtectionPlan)
class ChildProtectionPlanAdmin(ServiceOwnedAdmin):
    service_fields = ["child", "started_on", "ended_on", "next_review_due", "next_review_reason"]
    list_display = ["child", "started_on", "ended_on", "initial_category", "next_review_due"]
    search_fields = ["child__child_id"]
    list_filter = ["initial_category"]


class ConferenceChildInline(ReadOnlyInline):
    model = ConferenceChild
    raw_id_fields = ["child", "section47", "plan"]


class InvitationInline(ReadOnlyInline):
    model = ConferenceInvitation


class MoveInline(ReadOnlyInline):
    model = ConferenceMove


class DecisionInline(ReadOnlyInline):
    model = ConferenceDecision
    fields = ["action", "owner", "due_on", "completed_on", "withdrawn_at", "withdrawn_reason"]

    def get_queryset(self, request):
        # Withdrawn decisions too: the admin shows everything that was recorded.
        return ConferenceDecision.all_objects.select_related("conference")


@admin.register(ConferenceDecision)
class ConferenceDecisionAdmin(ServiceOwnedAdmin):
    """Read-only: decisions are recorded, done, corrected and withdrawn on the conference's
    pages (protection.services), which keep who and why in the history shown here."""

    service_fields = ALL_FIELDS
    list_display = ["__str__", "conference", "due_on", "completed_on", "withdrawn_at"]
    list_filter = ["completed_on", "withdrawn_at"]
    search_fields = ["action", "owner", "conference__covered__child__child_id"]
    raw_id_fields = ["conference"]

    def get_queryset(self, request):
        return ConferenceDecision.all_objects.select_related("conference")


@admin.register(TransferIn)
class TransferInAdmin(ServiceOwnedAdmin):
    service_fields = [
        "child",
        "notified_on",
        "from_council",
        "concluded_on",
        "conference_due",
        "conference_due_reason",
    ]
    list_display = ["child", "notified_on", "from_council", "conference_due", "concluded_on"]
    search_fields = ["child__child_id"]


@admin.register(ChildProtectionConference)
class ChildProtectionConferenceAdmin(ServiceOwnedAdmin):
    service_fields = [
        "kind",
        "status",
        "family",
        "scheduled_for",
        "held_on",
        "transfer_notified_on",
        "cancellation_reason",
        "deputy_chair",
        "booking_warnings",
        "reports_in_on",
    ]
    list_display = ["__str__", "kind", "status", "scheduled_for", "held_on", "chair"]
    list_filter = ["kind", "status"]
    inlines = [ConferenceChildInline, InvitationInline, MoveInline, DecisionInline]
