from collections import Counter

from django.core.paginator import Paginator
from django.shortcuts import render

from core.deadlines import deadline_state
from core.permissions import role_required
from core.roles import Role, user_roles
from core.services import today
from worklists.alerts import DigestItem, digest_for
from worklists.deadlines import KIND_LABELS, DeadlineKind, OpenDeadlines
from worklists.models import DeadlineDigest
from worklists.selectors import unallocated
from worklists.views.children import may_see_unallocated

# How far past its date an item on the home page is, most urgent first: (key, words,
# the fewest days overdue it takes). Items not overdue are "due" or "notice".
OVERDUE_BANDS = [
    ("over_3_months", "Overdue by more than 3 months", 91),
    ("1_to_3_months", "Overdue by 1 to 3 months", 29),
    ("up_to_4_weeks", "Overdue by up to 4 weeks", 1),
]
BANDS = [
    *[(key, words) for key, words, _ in OVERDUE_BANDS],
    ("due", "Due soon"),
    ("notice", "To note"),
]
HOME_PAGE_SIZE = 25


def band_of(item: DigestItem, as_of) -> str:
    """Which of BANDS an item of the digest falls in on `as_of`."""
    if item.status != "overdue":
        return item.status
    state = deadline_state(item.due_date, as_of=as_of)
    days = state.days if state is not None else 0
    return next(key for key, _, least in OVERDUE_BANDS if days >= least or least == 1)


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
    items = digest_for(request.user, as_of=as_of)
    counts = Counter(i.status for i in items)
    unsent = None
    if Role.ADMINISTRATOR in user_roles(request.user):
        unsent = DeadlineDigest.objects.filter(sent_at__isnull=True, for_date__lt=as_of).count()
    groups, bands = _groups(items, as_of)
    labels = {g["label"] for g in groups}
    kind = request.GET.get("kind", "")
    kind = kind if kind in labels else ""
    band = request.GET.get("band", "")
    band = band if band in dict(BANDS) else ""
    shown = [
        i for i in items if (not kind or i.label == kind) and (not band or bands[id(i)] == band)
    ]
    page = Paginator(shown, HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "worklists/home.html",
        {
            "items": items,
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
            "unallocated": unallocated().count() if may_see_unallocated(request.user) else None,
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
