from collections import Counter
from collections.abc import Sequence

from django.core.paginator import Paginator
from django.shortcuts import render

from core.permissions import role_required
from core.roles import Role, user_roles
from core.services import today
from worklists.alerts import DigestItem, digest_for, digest_role
from worklists.deadlines import KIND_LABELS, DeadlineKind, OpenDeadlines
from worklists.home_list import (
    BANDS,
    band_of,
    head_of_service_home_list,
    support_home_list,
)
from worklists.models import DeadlineDigest
from worklists.selectors import unallocated_count
from worklists.views.children import may_see_unallocated

HOME_PAGE_SIZE = 25


def _groups(items: list[DigestItem], as_of) -> tuple[list[dict], dict[int, str]]:
    """The digest counted by what it is (rows) and how overdue (columns)."""
    bands = {id(i): band_of(i, as_of) for i in items}
    counts = Counter((i.label, bands[id(i)]) for i in items)
    labels = list(dict.fromkeys(i.label for i in items))
    rows = [
        {
            "label": label,
            "total": sum(counts[(label, key)] for key, _ in BANDS),
            "cells": [(key, counts[(label, key)]) for key, _ in BANDS],
        }
        for label in labels
    ]
    return rows, bands


@role_required()
def home(request):
    """Tonight's digest for the signed-in person, the same as their email, with reasons.

    A long list is counted by kind and by how overdue, and paged; a kind or a band can be
    picked to see just those items.
    """
    as_of = today()
    unsent = None
    if Role.ADMINISTRATOR in user_roles(request.user):
        unsent = DeadlineDigest.objects.filter(sent_at__isnull=True, for_date__lt=as_of).count()
    kind, band = request.GET.get("kind", ""), request.GET.get("band", "")
    band = band if band in dict(BANDS) else ""
    unit_wide = {
        Role.BUSINESS_SUPPORT: support_home_list,
        Role.HEAD_OF_SERVICE: head_of_service_home_list,
    }.get(digest_role(request.user))
    if unit_wide is not None:
        # The unit's booking queue, or its overdue work: counted and paged in the database.
        listing = unit_wide(request.user, as_of=as_of)
        groups = listing.groups()
        kind = kind if kind in {g["label"] for g in groups} else ""
        shown: Sequence[DigestItem] = listing.filtered(label=kind, band=band)
        counts, total = listing.status_counts(), listing.total()
        counted_at = listing.counted_at
    else:
        items = digest_for(request.user, as_of=as_of)
        groups, bands = _groups(items, as_of)
        kind = kind if kind in {g["label"] for g in groups} else ""
        shown = [
            i for i in items if (not kind or i.label == kind) and (not band or bands[id(i)] == band)
        ]
        counts, total = Counter(i.status for i in items), len(items)
        counted_at = None
    page = Paginator(shown, HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "worklists/home.html",
        {
            "total": total,
            "page": page,
            "query": query.urlencode(),
            "groups": groups,
            "bands": BANDS,
            "kind": kind,
            "band": band,
            "band_words": dict(BANDS).get(band, ""),
            "filtered": bool(kind or band),
            "overdue": counts["overdue"],
            "due_soon": counts["due"],
            "notices": counts["notice"],
            "as_of": as_of,
            "unsent": unsent,
            "unallocated": unallocated_count() if may_see_unallocated(request.user) else None,
            "counted_at": counted_at,
        },
    )


@role_required()
def deadline_list(request):
    """Every open statutory deadline in the unit, filterable by kind and status."""
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    items = OpenDeadlines(
        as_of=today(),
        kind=kind if kind in DeadlineKind.__members__.values() else "",
        status=status if status in {"overdue", "due"} else "",
    )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "worklists/deadline_list.html",
        {
            "page": page,
            "kinds": [(k.value, KIND_LABELS[k]) for k in DeadlineKind],
            "kind": kind,
            "status": status,
            "total": page.paginator.count,
        },
    )
