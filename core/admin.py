from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from core.models import AccessEvent, OutboxEvent, User

admin.site.register(User, UserAdmin)

if TYPE_CHECKING:
    _AccessEventAdminBase = admin.ModelAdmin[AccessEvent]
else:
    _AccessEventAdminBase = admin.ModelAdmin  # not subscriptable at run time


@admin.register(AccessEvent)
class AccessEventAdmin(_AccessEventAdminBase):
    """Who read what: to look at only. Nobody adds, changes or deletes an access event."""

    list_display = ["at", "username", "kind", "url_name", "child_ref", "ip_address", "status_code"]
    list_filter = ["kind", "at"]
    search_fields = ["=child_ref", "=username", "url_name"]
    date_hierarchy = "at"
    ordering = ["-at"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


if TYPE_CHECKING:
    _OutboxEventAdminBase = admin.ModelAdmin[OutboxEvent]
else:
    _OutboxEventAdminBase = admin.ModelAdmin


@admin.register(OutboxEvent)
class OutboxEventAdmin(_OutboxEventAdminBase):
    """What the council's system was told, and whether the webhook delivered it (its
    last error, when it is tried next): to look at only (core.outbox)."""

    list_display = [
        "id",
        "kind",
        "occurred_at",
        "child_ref",
        "delivered_at",
        "attempts",
        "retry_at",
        "last_error",
    ]
    list_filter = ["kind", ("delivered_at", admin.EmptyFieldListFilter)]
    search_fields = ["=child_ref", "=subject_pk"]
    ordering = ["-id"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
