"""Admin for records that services own: the admin shows them and cannot bypass them.

A field that feeds a due date or a status is changed only by its service (which
recomputes the clock and keeps the history), so here it is read-only. Such records are
created and removed through the service too, never added or deleted in the admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

ALL_FIELDS = "__all__"


class ServiceOwnedAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """`service_fields`: the fields only the service may change (or ALL_FIELDS)."""

    service_fields: Sequence[str] | str = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        declared = list(super().get_readonly_fields(request, obj))
        if self.service_fields == ALL_FIELDS:
            owned = [f.name for f in self.model._meta.concrete_fields]
        else:
            owned = list(self.service_fields)
        return declared + [name for name in owned if name not in declared]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Rows shown beside their parent; changed through their service only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
