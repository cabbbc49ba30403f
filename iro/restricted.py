"""Restricted records ("break glass"): a child's record that is sealed, or a member of
staff's child, opens without a reason only for the child's IRO and managers
(iro.permissions, "iro.open_child_unasked"). Anyone else is shown the restricted page
first and opens the record by giving a reason; for the next
OVERSIGHT_BREAK_GLASS_MINUTES every page of that child they open is audited with the
reason (core.audit reads `request.audit_reasons`: one event per child, with its reason).

`RestrictedChildMiddleware` guards every page whose address names a child's record:
its `<child_id>`, or the number of something of the child's (a review, a conference, a
challenge, an invitation...). Each area declares in its AppConfig how a keyword of its
addresses leads to the child (`child_lookups_register`), so no view can forget the
check; a conference covering several children asks for each restricted one in turn. One
indexed query (none for managers), answered from the children's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.middleware import BeforeViewMiddleware
from core.permissions import is_manager
from iro.models import Child
from iro.selectors import child_by_id, restricted_hidden_from

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


# An area's URL namespace ("reviews"), or one page's name ("protection:enquiry_correct")
# -> {URL keyword -> the lookup from a Child to the record that keyword numbers}. Each
# area registers its own in its AppConfig.ready(); a page's own lookups win over its
# namespace's for the same keyword. `<child_id>` is understood everywhere.
_CHILD_LOOKUPS: dict[str, dict[str, str]] = {}


def child_lookups_register(where: str, lookups: Mapping[str, str]) -> None:
    """Declare how the keywords of an area's addresses (`where`: its URL namespace, or one
    page's name) lead to the child whose record they name: {"review_pk":
    "lac_reviews__pk"}."""
    _CHILD_LOOKUPS.setdefault(where, {}).update(lookups)


def child_lookups(view_name: str, namespace: str) -> dict[str, str]:
    """The keyword lookups that apply to one page."""
    return {**_CHILD_LOOKUPS.get(namespace, {}), **_CHILD_LOOKUPS.get(view_name, {})}


def children_named(view_name: str, namespace: str, kwargs: Mapping[str, Any]) -> Q | None:
    """Which children a page's address names (a Q over Child), or None if none.

    Each keyword is its own IN subquery on the record's primary key, so the database reads
    one row of each record named, whatever its size."""
    wanted = Q()
    if child_id := kwargs.get("child_id"):
        wanted |= Q(child_id=child_id)
    for keyword, lookup in child_lookups(view_name, namespace).items():
        value = kwargs.get(keyword)
        if value is not None:
            wanted |= Q(pk__in=Child.objects.filter(**{lookup: value}).order_by().values("pk"))
    return wanted or None


class RestrictedChildMiddleware(BeforeViewMiddleware):
    """Send anyone who may not open a restricted child's pages unasked to the page that
    asks why (after sign-in, two-step verification and the audit middleware's set-up)."""

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None:
            return None
        if match.view_name == RESTRICTED_PAGE:
            return None
        # A page may name its child in the query string instead (?child=<child ID>: the
        # booking pages), and is then that child's page as much as a <child_id> one.
        kwargs = {"child_id": request.GET.get("child"), **view_kwargs}
        named = children_named(match.view_name, match.namespace, kwargs)
        if named is None or is_manager(user):
            return None
        lookups = child_lookups(match.view_name, match.namespace)
        if not any(kwargs.get(keyword) is not None for keyword in lookups):
            # Named by their child ID alone: their row, read once for this and the page.
            child = child_by_id(kwargs["child_id"])
            if child is None or not child.restricted:
                return None
        # The restricted records named that this person may not open unasked: one query.
        hidden = restricted_hidden_from(user, children=Child.objects.filter(named))
        reasons: dict[str, str] = {}
        for child_id in hidden.order_by("child_id").values_list("child_id", flat=True):
            reason = granted_reason(request, child_id)
            if reason is None:
                target = request.get_full_path() if request.method == "GET" else ""
                query = f"?{urlencode({'next': target})}" if target else ""
                request.audit_not_shown = True  # type: ignore[attr-defined]
                return redirect(f"{reverse(RESTRICTED_PAGE, args=[child_id])}{query}")
            reasons[child_id] = reason
        if reasons:
            # core.audit keeps this request as one access event per child, with its reason.
            request.audit_reasons = reasons  # type: ignore[attr-defined]
            request.audit_reason = next(iter(reasons.values()))  # type: ignore[attr-defined]
        return None
