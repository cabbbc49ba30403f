from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.service_admin import ALL_FIELDS, ReadOnlyInline, ServiceOwnedAdmin
from iro.models import Child, Family, IndependentReviewingOfficer, IROAllocation


class AllocationInline(ReadOnlyInline):
    model = IROAllocation


@admin.register(Child)
class ChildAdmin(SimpleHistoryAdmin):
    list_display = ["child_id", "first_name", "last_name", "date_of_birth", "sex", "ethnicity"]
    search_fields = ["child_id", "first_name", "last_name", "upn"]
    list_filter = ["sex", "ethnicity", "disability"]
    inlines = [AllocationInline]


@admin.register(Family)
class FamilyAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "name"]
    search_fields = ["reference", "name"]


@admin.register(IndependentReviewingOfficer)
class IROAdmin(SimpleHistoryAdmin):
    list_display = ["user", "fte", "employment", "active"]
    list_filter = ["employment", "active"]


@admin.register(IROAllocation)
class IROAllocationAdmin(ServiceOwnedAdmin):
    # Moves go through iro.services (one open allocation a child, history kept).
    service_fields = ALL_FIELDS
    list_display = ["child", "iro", "started_on", "ended_on", "reason"]
    list_filter = ["iro"]
    search_fields = ["child__child_id"]
