"""Reads are audited: who opened which personal page, searched, downloaded or read the API.

`AccessAuditMiddleware` (config.settings MIDDLEWARE, after authentication) adds one
`core.models.AccessEvent` for each successful (status below 400) request by someone
signed in that is

- a page in `AUDITED_URL_NAMES`: the pages that show children or carers by name;
- a download: any response sent as an attachment (kind "export" for the bulk data
  exports in `EXPORT_URL_NAMES`, "download" for any other file);
- a GET under /api/, or an integration's POST (a write, which answers with what it saved);
- any page of a restricted record opened with a reason (`request.audit_reasons`, set by
  iro.restricted: {child ID: reason}), whatever the page: one event per child, each with
  the reason given for it ("break glass" is always kept).

It writes one INSERT and reads nothing: the user is the one the request already loaded,
and the child is the `child_id` in the URL (or `request.audit_child_ref`, which a view may
set when the page is about one child whose ID is not in its address). The path is kept
without its query string; a search keeps only the names of the parameters used ("q"),
never what was searched for, so the log carries IDs, not names.

The kernel imports no app, so the pages are named as strings. A council may replace the
list with the OVERSIGHT_AUDITED_URL_NAMES setting. X-Forwarded-For is believed only when
OVERSIGHT_AUDIT_TRUST_X_FORWARDED_FOR is true (the app sits behind a proxy the council
runs, which appends the address it saw), and then only its last entry.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from core.models import AccessEvent, AccessKind

# The pages that show personal data: a child's record, who has looked at it, and the
# lists, boards and drill-downs that name children or carers; and the record exports.
# Left out: forms that change a record (writes are in each record's history), the export
# form itself, and the dashboard's figures (their files are audited as downloads).
AUDITED_URL_NAMES: frozenset[str] = frozenset(
    {
        "home",
        "deadlines",
        "schedule",
        "schedule_week",
        "children:caseload",
        "children:allocation",
        "children:child_detail",
        "children:access",
        "children:unallocated",
        "children:new_check",
        "search",
        "disputes:list",
        "disputes:detail",
        "protection:conference",
        "fostering:list",
        "fostering:household",
        "data_quality:list",
        "data_quality:csv",
        "dashboard:figure",
        "imports:detail",
        "imports:export_return",
        "imports:export_annex_a",
    }
)
# Files of records rather than documents of figures: an attachment from one is an export,
# any other attachment (the annual report, a table of figures) a download.
EXPORT_URL_NAMES: frozenset[str] = frozenset(
    {
        "children:access",
        "dashboard:figure",
        "data_quality:list",
        "data_quality:csv",
        "imports:export_return",
        "imports:export_annex_a",
    }
)
# Query parameters that search for someone: their presence makes a page view a search.
SEARCH_PARAMETERS: frozenset[str] = frozenset({"q", "child"})

_PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,40}$")
_MAX = {"path": 500, "url_name": 100, "detail": 200, "child_ref": 40, "username": 150}


def audited_url_names() -> frozenset[str]:
    names = getattr(settings, "OVERSIGHT_AUDITED_URL_NAMES", None)
    return AUDITED_URL_NAMES if names is None else frozenset(names)


def client_ip(request: HttpRequest) -> str | None:
    """The reader's address: REMOTE_ADDR, or the last X-Forwarded-For entry when the proxy
    in front is trusted (earlier entries are whatever the client chose to send)."""
    candidates = []
    if getattr(settings, "OVERSIGHT_AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            candidates.append(forwarded.split(",")[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def parameter_names(request: HttpRequest) -> list[str]:
    """The query parameters used, by name only, sorted; an odd-looking name (one that
    could carry a value) is left out."""
    return sorted({k for k in request.GET if _PARAMETER_NAME.match(k)})


def access_kind(request: HttpRequest, response: HttpResponseBase, url_name: str) -> str | None:
    """What kind of read this was, or None when it is not audited."""
    disposition = response.get("Content-Disposition", "")
    if disposition.strip().lower().startswith("attachment"):
        return AccessKind.EXPORT if url_name in EXPORT_URL_NAMES else AccessKind.DOWNLOAD
    # Every call under /api/: a read, or an integration's write (which answers with the
    # record it saved).
    if request.path.startswith("/api/") and request.method in {"GET", "POST"}:
        return AccessKind.API
    if getattr(request, "audit_reasons", None):
        return AccessKind.VIEW
    if url_name and url_name in audited_url_names():
        if SEARCH_PARAMETERS.intersection(request.GET):
            return AccessKind.SEARCH
        return AccessKind.VIEW
    return None


def access_record(
    request: HttpRequest, response: HttpResponseBase, *, reason: str = ""
) -> AccessEvent | None:
    """Add the access event for a request, if it is one to audit: one INSERT (one per
    restricted child opened with a reason), no reads. Returns the (last) event."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or response.status_code >= 400:
        return None
    if getattr(request, "audit_not_shown", False):  # sent to ask why first: nothing read
        return None
    match = request.resolver_match
    url_name = match.view_name if match is not None else ""
    kind = access_kind(request, response, url_name)
    if kind is None:
        return None
    child_ref = getattr(request, "audit_child_ref", None)
    if child_ref is None and match is not None:
        child_ref = match.kwargs.get("child_id", "")
    # A restricted record opened with a reason: one event per child, with its reason.
    reasons = getattr(request, "audit_reasons", None) or {
        str(child_ref or ""): reason or getattr(request, "audit_reason", "")
    }
    event = None
    for ref, why in reasons.items():
        event = AccessEvent.objects.create(
            user=user,
            username=user.get_username()[: _MAX["username"]],
            kind=kind,
            url_name=url_name[: _MAX["url_name"]],
            path=request.path[: _MAX["path"]],
            detail=",".join(parameter_names(request))[: _MAX["detail"]],
            child_ref=ref[: _MAX["child_ref"]],
            ip_address=client_ip(request),
            reason=reason or why,
            status_code=response.status_code,
        )
    return event


class AccessAuditMiddleware:
    """Record an AccessEvent for each audited read (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        access_record(request, response)
        return response
