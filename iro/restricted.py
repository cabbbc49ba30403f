"""Restricted records ("break glass"): a child's record that is sealed, or a member of
staff's child, opens without a reason only for the child's IRO and managers
(iro.permissions, "iro.open_child_unasked"). Anyone else is shown the restricted page
first and opens the record by giving a reason; for the next
OVERSIGHT_BREAK_GLASS_MINUTES every page of that child they open is audited with the
reason (core.audit reads `request.audit_reason`).

`RestrictedChildMiddleware` guards every page whose address names a child
(`<child_id>`): one indexed query, answered from the child's row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.middleware import BeforeViewMiddleware
from iro.models import Child

# The page that asks for the reason: the one page of a restricted child always open.
RESTRICTED_PAGE = "children:restricted"
_GRANTS = "restricted_records_opened"

ENTER_REASON = "Enter why you need to open this restricted record"
ENTER_RESTRICTION_REASON = "Enter why the record is being restricted, or why no longer"
REASON_TOO_LONG = "The reason must be 500 characters or fewer"
REASON_MAX_LENGTH = 500


def reason_problem(reason: str) -> str | None:
    """Why a reason given to open a restricted record will not do, or None."""
    if not reason.strip():
        return ENTER_REASON
    if len(reason.strip()) > REASON_MAX_LENGTH:
        return REASON_TOO_LONG
    return None


def grant_minutes() -> int:
    return int(settings.OVERSIGHT_BREAK_GLASS_MINUTES)


def grant(request: HttpRequest, child: Child, reason: str) -> None:
    """Let this session open the child's record, with the reason, for a while."""
    grants = dict(request.session.get(_GRANTS, {}))
    until = timezone.now() + dt.timedelta(minutes=grant_minutes())
    grants[child.child_id] = {"until": until.isoformat(), "reason": reason.strip()}
    request.session[_GRANTS] = grants


def granted_reason(request: HttpRequest, child_id: str) -> str | None:
    """The reason this session gave to open the child's record, while it still stands."""
    given = request.session.get(_GRANTS, {}).get(child_id)
    if not given or dt.datetime.fromisoformat(given["until"]) <= timezone.now():
        return None
    return str(given["reason"])


class RestrictedChildMiddleware(BeforeViewMiddleware):
    """Send anyone who may not open a restricted child's pages unasked to the page that
    asks why (after sign-in, two-step verification and the audit middleware's set-up)."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        child_id = view_kwargs.get("child_id")
        user = getattr(request, "user", None)
        if not child_id or user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name == RESTRICTED_PAGE:
            return None
        child = Child.objects.filter(child_id=child_id, restricted=True).first()
        if child is None or user.has_perm("iro.open_child_unasked", child):
            return None
        reason = granted_reason(request, child_id)
        if reason is not None:
            request.audit_reason = reason  # type: ignore[attr-defined]
            return None
        target = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': target})}" if target else ""
        return redirect(f"{reverse(RESTRICTED_PAGE, args=[child_id])}{query}")
