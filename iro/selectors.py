"""Reads for people and allocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any, TypeVar

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value

from core.history import Correction, corrections_of, value_shown
from core.kept import unit_kept
from core.models import name_shown
from core.permissions import is_manager
from core.request_memo import once_a_request, request_memoised
from iro.models import Child, IndependentReviewingOfficer, IROAllocation
from iro.rules import RESTRICTED_RECORD

T = TypeVar("T")


def child_by_id(child_id: str) -> Child | None:
    """The child with this council ID, with their family, or None. Asked once a request:
    the restricted-record check before a child's page (iro.restricted) and the page."""
    return request_memoised(
        ("child_by_id", child_id),
        lambda: (
            Child.objects.select_related("family").filter(child_id=child_id).order_by("pk").first()
        ),
    )


@once_a_request
def child_allocations(child: Child) -> list[IROAllocation]:
    """The child's IROs, the latest first, each with their account: read once a request
    (the record lists them; whether the person holds the child is answered from them)."""
    return list(child.allocations.select_related("iro__user").order_by("-started_on", "-pk"))


def active_iros() -> list[tuple[str, int, str]]:
    """Each active IRO as (pk, user id, name shown), in the IROs' order: the caseload's
    filter lists them all. Kept while the records stand (core.kept: a new IRO, or one
    leaving, is a recorded change; a name changed on the account shows within
    OVERSIGHT_UNIT_COUNTS_SECONDS), as a big unit's list is hundreds of rows."""

    def read() -> list[tuple[str, int, str]]:
        rows = IndependentReviewingOfficer.objects.filter(active=True).values_list(
            "pk", "user_id", "user__first_name", "user__last_name", "user__username"
        )
        return [(str(pk), user, name_shown(f, la, u)) for pk, user, f, la, u in rows]

    return unit_kept("active_iros", read)[0]


def restricted_hidden_from(user, *, children: QuerySet[Child] | None = None) -> QuerySet[Child]:
    """The restricted records (of `children`, or of all) that `user` may not open unasked.

    The query form of iro.permissions "iro.open_child_unasked": a restricted record not
    held by the user now, unless the user is a manager (then no query at all). Pages
    that name one ask why first (iro.restricted); lists show it masked (`children_mask`).
    Served by the partial index on restricted records.
    """
    if user is None or not user.is_authenticated or is_manager(user):
        return Child.objects.none()
    mine = IROAllocation.objects.filter(child=OuterRef("pk"), ended_on__isnull=True, iro__user=user)
    base = Child.objects.all() if children is None else children
    return base.filter(restricted=True).exclude(Exists(mine))


def restricted_ids_hidden_from(user) -> frozenset[str]:
    """The council child IDs of the restricted records `user` may not open unasked (one
    query on the few restricted rows; none for managers): for lists that carry IDs and
    names as text rather than Child rows. Asked once a request (a page's lists each
    mask theirs)."""

    def read() -> frozenset[str]:
        hidden = restricted_hidden_from(user)
        return frozenset(hidden.order_by().values_list("child_id", flat=True))

    return request_memoised(("restricted_ids_hidden_from", getattr(user, "pk", None)), read)


def restricted_records_held() -> dict[str, frozenset[int]]:
    """Each restricted record's council child ID -> the users holding it as its IRO now
    (one query): for a job that masks lists for many people at once."""
    held: dict[str, set[int]] = {}
    rows = (
        Child.objects.filter(restricted=True)
        .order_by()
        .values_list("child_id", "allocations__iro__user_id", "allocations__ended_on")
    )
    for child_id, user_id, ended_on in rows:
        holders = held.setdefault(child_id, set())
        if user_id is not None and ended_on is None:
            holders.add(user_id)
    return {child_id: frozenset(users) for child_id, users in held.items()}


def restricted_ids_hidden_among(user, *, held: dict[str, frozenset[int]]) -> frozenset[str]:
    """`restricted_ids_hidden_from(user)` answered from `restricted_records_held()`."""
    if user is None or is_manager(user):
        return frozenset()
    return frozenset(child_id for child_id, users in held.items() if user.pk not in users)


def child_name_shown(child_id: str, name: str, *, hidden: frozenset[str]) -> str:
    """A child's name as a list shows it: RESTRICTED_RECORD for one hidden from its reader."""
    return RESTRICTED_RECORD if child_id in hidden else name


def child_mask(child: Child) -> Child:
    """Blank, in memory only, what would tell who a restricted record is about: names
    (`full_name` then says RESTRICTED_RECORD), birth dates and UPN. The child ID stays,
    so the row links to the record, which asks why. A masked child cannot be saved."""
    child.masked = True  # type: ignore[attr-defined]
    child.first_name = child.last_name = child.upn = ""
    child.date_of_birth = child.expected_date_of_birth = None
    return child


def children_mask(children: Iterable[T], *, user, child_of=None) -> list[T]:
    """The rows of a list, with the restricted records among them that `user` may not open
    unasked masked (`child_mask`). `child_of(row)` gives a row's Child (the row itself by
    default). At most one query, and only when a restricted record is among the rows."""
    rows = list(children)
    get = child_of or (lambda row: row)
    restricted = [c for c in map(get, rows) if c is not None and c.restricted]
    if restricted:
        pks = {c.pk for c in restricted}
        hidden = set(
            restricted_hidden_from(user, children=Child.objects.filter(pk__in=pks)).values_list(
                "pk", flat=True
            )
        )
        for child in restricted:
            if child.pk in hidden:
                child_mask(child)
    return rows


def children_held_by(*, user_id: int) -> QuerySet[IROAllocation, Any]:
    """The pks of the children a person holds as their IRO now: a person's scope.

    A subquery (`child_id__in=`) for the areas' readers; served by the allocation index
    on (iro, ended_on), so an IRO's page reads their fifty children, not the unit's.
    """
    return (
        IROAllocation.objects.filter(ended_on__isnull=True, iro__user_id=user_id)
        .order_by()
        .values("child_id")
    )


def child_scope(
    *, user_id: int | None = None, children: Collection[int] | None = None
) -> QuerySet[IROAllocation, Any] | list[int] | None:
    """What an area's reader keeps (`child_id__in=`): `children` (pks a page has already
    read, such as a person's held children: a list the planner reads without a join),
    else the children `user_id` holds (`children_held_by`), else None (the unit)."""
    if children is not None:
        return list(children)
    if user_id is not None:
        return children_held_by(user_id=user_id)
    return None


def child_possible_duplicates(
    *,
    first_name: str,
    last_name: str,
    born_on: dt.date | None,
    upn: str = "",
    child_id: str = "",
    excluding: Child | None = None,
) -> dict[str, list[Child]]:
    """Children already held who may be this one, by what matches (one query).

    "child_id" and "upn" are the same child for certain (a new record is refused);
    "name_and_birth" (same names and date of birth, or expected date) is for a person
    to judge. `excluding` is the child being corrected, who is not their own duplicate.
    """
    same = Q(pk__in=[])
    if child_id:
        same |= Q(child_id__iexact=child_id)
    if upn:
        same |= Q(upn__iexact=upn)
    if born_on is not None:
        same |= Q(first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip()) & (
            Q(date_of_birth=born_on) | Q(expected_date_of_birth=born_on)
        )
    found: dict[str, list[Child]] = {"child_id": [], "upn": [], "name_and_birth": []}
    others = Child.objects.exclude(pk=excluding.pk) if excluding is not None else Child.objects
    for child in others.filter(same).select_related("family")[:50]:
        if child_id and child.child_id.lower() == child_id.lower():
            found["child_id"].append(child)
        elif upn and child.upn.upper() == upn.upper():
            found["upn"].append(child)
        else:
            found["name_and_birth"].append(child)
    return found


def children_matching(query: str, *, user=None) -> QuerySet[Child]:
    """Children whose name, council child ID or UPN contains the words searched for.

    Every word must match one of them ("amy smith" finds Amy Smith); at most 10 words.
    Each is annotated `masked` for `user`: a restricted record they may not open unasked
    (iro.restricted), which is found only by its exact child ID and shown without its
    details, so a search never tells who a restricted record is about.
    """
    children = Child.objects.all()
    for word in query.split()[:10]:
        children = children.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(child_id__icontains=word)
            | Q(upn__iexact=word)
        )
    if user is None or is_manager(user):
        return children.annotate(masked=Value(False))
    mine = IROAllocation.objects.filter(child=OuterRef("pk"), ended_on__isnull=True, iro__user=user)
    masked = ExpressionWrapper(Q(restricted=True) & ~Exists(mine), output_field=BooleanField())
    return children.annotate(masked=masked).filter(
        Q(masked=False) | Q(child_id__iexact=query.strip())
    )


def detail_shown(field: str, value: Any) -> str:
    """A child's detail in words: dates in the GOV.UK style, codes by their label."""
    return value_shown(Child, field, value)


def child_details_history(*, child: Child, fields: Sequence[str]) -> list[Correction]:
    """The changes made to a child's `fields` with a reason given (corrections, and
    returns loaded with one), oldest first: what each changed, from what, who and why."""
    return corrections_of(child, fields=fields)
