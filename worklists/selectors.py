"""Reads for people and allocation."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Least

from core.kept import unit_kept
from disputes.models import Dispute, DisputeStatus
from iro.models import Child, IndependentReviewingOfficer, IROAllocation, PlannedMove
from iro.rules import RESTRICTED_RECORD
from protection.selectors import enquiries_awaiting_icpc, open_plans
from reviews.models import IROContact
from reviews.selectors import live_decisions, open_periods


@dataclass(frozen=True)
class Caseload:
    iro: IndependentReviewingOfficer
    children: int
    looked_after: int = 0
    protection: int = 0

    @property
    def per_fte(self) -> Decimal:
        return (Decimal(self.children) / self.iro.fte).quantize(Decimal("0.1"))

    @property
    def above_range(self) -> bool:
        return self.per_fte > settings.OVERSIGHT_CASELOAD_RANGE[1]

    @property
    def below_range(self) -> bool:
        return self.per_fte < settings.OVERSIGHT_CASELOAD_RANGE[0]


def caseload_counts() -> dict[int, tuple[int, int, int]]:
    """Each IRO's open allocations (one query): {IRO pk: (children, looked after, on a
    plan)}, short breaks aside in the looked-after count.

    The open allocations are counted in one pass grouped by IRO (EXISTS for the two
    kinds), never as a correlated count per IRO: that form ends in GROUP BY ... LIMIT 1
    and, without fresh statistics, PostgreSQL rescans every open allocation once per IRO.
    """
    looked_after = open_periods().filter(is_short_breaks=False, child=OuterRef("child"))
    on_plan = open_plans().filter(child=OuterRef("child"))
    rows = (
        IROAllocation.objects.filter(ended_on__isnull=True, iro__active=True)
        .order_by()
        .values("iro")
        .annotate(
            children=Count("pk"),
            looked_after=Count("pk", filter=Q(Exists(looked_after))),
            protection=Count("pk", filter=Q(Exists(on_plan))),
        )
    )
    return {r["iro"]: (r["children"], r["looked_after"], r["protection"]) for r in rows}


def caseloads() -> list[Caseload]:
    """Each active IRO's current caseload, derived from open allocations (two queries).

    Children looked after (short breaks aside) and on plans are counted apart as well:
    whether the Handbook's 50-70 counts child protection work is a local choice.
    """
    counts = caseload_counts()
    return [
        Caseload(iro, *counts.get(iro.pk, (0, 0, 0)))
        for iro in IndependentReviewingOfficer.objects.filter(active=True).select_related("user")
    ]


@dataclass(frozen=True)
class RankedCaseloads:
    """Every active IRO's caseload, most per full-time post first, as plain numbers (a
    big unit's hundreds of IROs are cheap to keep and read back); `page` makes the
    Caseloads of the few a page shows."""

    rows: list[tuple[int, Decimal, int, int, int]]  # (IRO pk, FTE, children, LAC, CP)

    @property
    def children(self) -> int:
        return sum(row[2] for row in self.rows)

    @property
    def fte(self) -> Decimal:
        return sum((row[1] for row in self.rows), Decimal(0))

    def page(self, rows: list[tuple[int, Decimal, int, int, int]]) -> list[Caseload]:
        iros = IndependentReviewingOfficer.objects.select_related("user").in_bulk(
            [row[0] for row in rows]
        )
        return [Caseload(iros[pk], children, la, cp) for pk, _, children, la, cp in rows]


def caseloads_ranked() -> RankedCaseloads:
    counts = caseload_counts()
    rows = [
        (pk, fte, *counts.get(pk, (0, 0, 0)))
        for pk, fte in IndependentReviewingOfficer.objects.filter(active=True).values_list(
            "pk", "fte"
        )
    ]
    # As Caseload.per_fte rounds it; ties in the order the IROs come (by name).
    rows.sort(key=lambda r: (Decimal(r[2]) / r[1]).quantize(Decimal("0.1")), reverse=True)
    return RankedCaseloads(rows)


def caseloads_kept() -> tuple[RankedCaseloads, dt.datetime]:
    """`caseloads_ranked()`, kept while the records stand (core.kept: it reads every
    open allocation), and when they were counted."""
    return unit_kept("caseloads", caseloads_ranked)


# Far-future stand-in so the earliest of several optional dates can be taken in SQL
# (PostgreSQL's LEAST skips NULLs, SQLite's MIN does not).
NEVER = dt.date(9999, 12, 31)


def _held_now():
    # A child has one allocation open (a unique index): unordered, as the model's order
    # (by the child's name) would join the child again in each row's subquery.
    return IROAllocation.objects.filter(child=OuterRef("pk"), ended_on__isnull=True).order_by()


def _needs_an_iro():
    """Looked after (short breaks too) or on a child protection plan: an IRO's work."""
    looked_after = open_periods().filter(child=OuterRef("pk"))
    on_plan = open_plans().filter(child=OuterRef("pk"))
    return Q(Exists(looked_after)) | Q(Exists(on_plan))


def unallocated() -> QuerySet[Child]:
    """Children looked after or on a child protection plan with no IRO now."""
    return Child.objects.filter(~Exists(_held_now())).filter(_needs_an_iro())


def unallocated_count() -> int:
    """How many children need an IRO and have none, kept while the records stand."""
    return unit_kept("unallocated", lambda: unallocated().count())[0]


def caseload_children(*, iro: IndependentReviewingOfficer | None = None, who: str = "held"):
    """Children (held by one IRO, by anyone, with no IRO, or all of these), each
    annotated with what is due next and who holds them.

    `who` is "held" (by `iro`, or by anyone), "unallocated" (looked after or on a plan
    with no IRO) or "all" (held, or needing an IRO). One query, whatever the caseload:
    every figure is a subquery on indexed columns.
    """
    # Exists, not a join: a join with ended_on IS NULL would also match children with no
    # allocation at all (the outer join's NULLs), and could repeat a child.
    current = _held_now()
    if iro is not None:
        # IN, not EXISTS per child: read from the allocation index on (iro, ended_on),
        # so one IRO's list costs their caseload, not a pass over every child.
        mine = IROAllocation.objects.filter(iro=iro, ended_on__isnull=True).order_by()
        children = Child.objects.filter(pk__in=mine.values("child_id"))
    elif who == "unallocated":
        children = unallocated()
    elif who == "all":
        children = Child.objects.filter(Q(Exists(current)) | _needs_an_iro())
    else:
        children = Child.objects.filter(Exists(current))
    return with_next_due(children)


def with_next_due(children: QuerySet[Child]) -> QuerySet[Child]:
    """Annotate children with their statutory dates, last contact, challenges and IRO."""
    return children.annotate(**_next_due_annotations())


@functools.cache
def _next_due_annotations() -> dict[str, Any]:
    """`with_next_due`'s figures, built once a process: eleven subqueries cost a list
    page milliseconds to build, and Django copies an expression as it resolves it, so
    one built once serves every query."""
    period = (
        open_periods()
        .filter(child=OuterRef("pk"), next_review_due__isnull=False)
        .order_by("next_review_due")
    )
    plan = open_plans().filter(child=OuterRef("pk")).order_by("next_review_due")
    plan_due = plan.filter(next_review_due__isnull=False)
    enquiry = (
        enquiries_awaiting_icpc()
        .filter(child=OuterRef("pk"), icpc_due__isnull=False)
        .order_by("icpc_due")
    )
    contact = IROContact.objects.filter(child=OuterRef("pk")).order_by("-occurred_on")
    open_disputes = (
        Dispute.objects.filter(
            child=OuterRef("pk"), status__in=[DisputeStatus.INFORMAL, DisputeStatus.FORMAL]
        )
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    allocation = _held_now()
    far = Value(NEVER, output_field=DateField())
    return {
        "lac_due": Subquery(period.values("next_review_due")[:1]),
        "lac_reason": Subquery(period.values("next_review_reason")[:1]),
        "rcpc_due": Subquery(plan_due.values("next_review_due")[:1]),
        "rcpc_reason": Subquery(plan_due.values("next_review_reason")[:1]),
        "icpc_due": Subquery(enquiry.values("icpc_due")[:1]),
        "icpc_reason": Subquery(enquiry.values("icpc_due_reason")[:1]),
        "last_contact": Subquery(contact.values("occurred_on")[:1]),
        "open_challenges": Coalesce(Subquery(open_disputes), 0),
        "iro_name": Subquery(allocation.values("iro__user__last_name")[:1]),
        "iro_first_name": Subquery(allocation.values("iro__user__first_name")[:1]),
        "next_due": Least(
            Coalesce("lac_due", far), Coalesce("rcpc_due", far), Coalesce("icpc_due", far)
        ),
    }


def unallocated_listed() -> QuerySet[Child]:
    """The children with no IRO (`unallocated`) as their list shows them: with what is
    due next (`with_next_due`), since when they have needed an IRO, and any IRO they are
    due to move to."""
    return caseload_children(who="unallocated").annotate(**_waiting_annotations())


@functools.cache
def _waiting_annotations() -> dict[str, Any]:
    """Since when a child has been looked after or on a plan, and their planned IRO (the
    unallocated list's, not the caseload's: built once a process, as above)."""
    since = OuterRef("pk")
    planned = PlannedMove.objects.filter(child=since)
    return {
        "looked_after_since": Subquery(
            open_periods().filter(child=since).order_by("started_on").values("started_on")[:1]
        ),
        "plan_since": Subquery(
            open_plans().filter(child=since).order_by("started_on").values("started_on")[:1]
        ),
        "planned_on": Subquery(planned.values("starts_on")[:1]),
        "planned_iro_first": Subquery(planned.values("iro__user__first_name")[:1]),
        "planned_iro_last": Subquery(planned.values("iro__user__last_name")[:1]),
    }


# The caseload's areas (the filter's values, iro.forms.CaseloadFilterForm): a child is in one
# if they have a date of it (`with_next_due`'s).
LOOKED_AFTER, PROTECTION = "looked_after", "protection"
AREA_DATES = {LOOKED_AFTER: ("lac_due",), PROTECTION: ("rcpc_due", "icpc_due")}


def in_area(area: str) -> Q:
    """The children of `with_next_due` with a date of `area`."""
    return functools.reduce(
        operator.or_, (Q(**{f"{due}__isnull": False}) for due in AREA_DATES[area])
    )


def _due_streams() -> list[tuple[QuerySet[Any], str, str]]:
    """Each kind of statutory date `with_next_due` takes a child's next from, as rows of
    the area with the field of that date, and the area: looked-after reviews, review
    conferences and initial conferences."""

    # One row's answer each, not EXISTS: PostgreSQL reads ORed EXISTS as three hashed
    # sets of the whole unit (every open allocation, period and plan), where the few
    # enquiries awaiting a conference need asking of their own children only.
    def one(rows: QuerySet[Any]) -> Subquery:
        # Unordered: the models' order (by the child's name) would join the child.
        return Subquery(rows.filter(child=OuterRef("child")).order_by().values("pk")[:1])

    awaiting = enquiries_awaiting_icpc().annotate(
        held_by=one(IROAllocation.objects.filter(ended_on__isnull=True)),
        in_care=one(open_periods()),
        on_plan=one(open_plans()),
    )
    held_or_needing = Q(held_by__isnull=False) | Q(in_care__isnull=False) | Q(on_plan__isnull=False)
    return [
        (open_periods().filter(next_review_due__isnull=False), "next_review_due", LOOKED_AFTER),
        (open_plans().filter(next_review_due__isnull=False), "next_review_due", PROTECTION),
        # A child awaiting an initial conference is on the list if held or needing an
        # IRO (an open period or plan is that already).
        (awaiting.filter(held_or_needing, icpc_due__isnull=False), "icpc_due", PROTECTION),
    ]


def _first_rows(rows: QuerySet[Any], due: str, n: int) -> tuple[list[tuple[int, Any]], bool]:
    """The first rows by `due` (child, date), as many as hold `n` children, read by the
    date's index however many rows there are; and whether that was every row."""
    k = n
    while True:
        got = list(rows.order_by(due, "pk").values_list("child_id", due)[:k])
        if len(got) < k:
            return got, True
        if len(dict.fromkeys(child for child, _ in got)) >= n:
            return got, False
        k *= 2


class EveryoneByDue:
    """Every child on the caseload list ("Everyone"), soonest statutory date first, as a
    sequence Django's Paginator pages: a page `[a:b]` reads the first `b` children of each
    kind of date by its index, then puts those few in order (`with_next_due`'s order),
    never working out every child's next date to sort them. The count is kept while the
    records stand (core.kept). A page past every dated child reads the list whole.

    `of(pks)` gives those children as `children` would, in its order: every child with a
    date is on the list (a child looked after or on a plan needs an IRO, and an enquiry
    counts only for a child held or needing one), so a page's few are read by their pks
    alone, not checked against the unit's allocations, periods and plans again.

    `due_by` (a lookup and a date: ("lt", today) for the overdue) keeps the children
    whose next date is before it, as `children.filter(next_due__lt=today)` does: a child
    whose earliest date is before it has a date before it of some kind. `area` keeps the
    children with a date of that area (`in_area`): its own dates' rows, and the other
    dates' rows of children with one of its. With either, every child listed has a date,
    so they are counted from those dates' indexes too, as few as are overdue or due soon,
    or in the area."""

    def __init__(
        self,
        children: QuerySet[Child],
        *,
        kept_as: str,
        of: Callable[[set[int]], QuerySet[Child]],
        due_by: tuple[str, dt.date] | None = None,
        area: str | None = None,
    ) -> None:
        self.children = children  # annotated by with_next_due, ordered (and filtered)
        self.kept_as = kept_as
        self.of = of
        self.due_by = due_by
        self.area = area

    @property
    def dated_only(self) -> bool:
        """Whether a child with no date is left off the list (the filters want a date)."""
        return self.due_by is not None or self.area is not None

    def streams(self) -> list[tuple[QuerySet[Any], str]]:
        streams = _due_streams()
        # A row of another area's date is kept if its child has a date of this area.
        theirs = [rows for rows, _, area in streams if area == self.area]
        has_area_date = [Exists(rows.filter(child=OuterRef("child")).order_by()) for rows in theirs]
        kept = []
        for rows, due, area in streams:
            if self.due_by is not None:
                lookup, on = self.due_by
                rows = rows.filter(**{f"{due}__{lookup}": on})
            if self.area is not None and area != self.area:
                rows = rows.filter(functools.reduce(operator.or_, has_area_date))
            kept.append((rows, due))
        return kept

    def count(self) -> int:
        if not self.dated_only:
            return unit_kept(f"everyone:{self.kept_as}", lambda: self.children.count())[0]

        def dated() -> int:
            pks = (rows.order_by().values_list("child_id", flat=True) for rows, _ in self.streams())
            return len({pk for rows in pks for pk in rows})

        lookup, on = self.due_by or ("", "")
        return unit_kept(f"everyone:{self.kept_as}:{self.area}:{lookup}:{on}", dated)[0]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Child]:
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start:
            return []
        streams = [(rows, due, *_first_rows(rows, due, stop)) for rows, due in self.streams()]
        soonest: dict[int, Any] = {}  # each child's earliest date read
        for _, _, got, _ in streams:
            for child, on in got:
                soonest[child] = min(on, soonest.get(child, on))
        if len(soonest) < stop:  # every date read (a stream short of `stop` is whole)
            if self.dated_only:  # no child without a date is on this list
                return list(self.of(set(soonest))[start:stop])
            return list(self.children[start:stop])  # the page reaches children with none
        # The page ends by the stop-th child's date so far. A stream read to a date on or
        # before it may hold more of the page (ties put in order by name, or a child
        # whose earliest date is in it): those are read by the dates.
        last_day = sorted(soonest.values())[stop - 1]
        candidates = set(soonest)
        for rows, due, got, whole in streams:
            if not whole and got[-1][1] <= last_day:
                between = {f"{due}__gte": got[-1][1], f"{due}__lte": last_day}
                ties = rows.filter(**between).order_by().values_list("child_id", flat=True)
                candidates |= set(ties)
        return list(self.of(candidates)[start:stop])


class EveryoneByName:
    """Every child on the caseload list ("Everyone") in the order of the names shown, as
    a sequence Django's Paginator pages, read by the name index (`child_by_name`) rather
    than sorting the unit: a page `[a:b]` reads the first `b` children's pks in name
    order, then those few as `of(pks)` gives them (`with_next_due`'s, in that order).

    A restricted record hidden from this person (`hidden`, a query of pks) is shown, and
    sorted, as "Restricted record", not where the child's surname would put it: the list
    is the children named before "Restricted record", then those shown by that name (the
    hidden, and any child truly so named with no first name: the same name and an empty
    first name, so in child ID order), then the children named after it; backwards when
    `descending` (ties on a name are in child ID order either way, as the sorted list
    has them)."""

    def __init__(
        self,
        children: QuerySet[Child],
        *,
        kept_as: str,
        hidden: QuerySet[Any],
        descending: bool,
        of: Callable[[set[int]], QuerySet[Child]],
    ) -> None:
        self.children = children  # annotated by with_next_due, ordered
        self.kept_as = kept_as
        self.hidden = hidden
        self.descending = descending
        self.of = of

    def count(self) -> int:
        return unit_kept(f"everyone:{self.kept_as}", lambda: self.children.count())[0]

    def __len__(self) -> int:
        return self.count()

    def parts(self) -> list[QuerySet[Any]]:
        """The list's three runs of pks, each in its order, in the list's order."""
        masked = RESTRICTED_RECORD  # how a hidden record is named, and so sorts
        listed = _on_the_list(Child.objects.all())
        shown = listed.exclude(pk__in=self.hidden)
        as_masked = listed.filter(Q(pk__in=self.hidden) | Q(last_name=masked, first_name=""))
        sign = "-" if self.descending else ""
        by_name = (f"{sign}last_name", f"{sign}first_name", "child_id")
        before = shown.filter(last_name__lt=masked).order_by(*by_name)
        after = shown.filter(last_name__gte=masked).exclude(last_name=masked, first_name="")
        runs = [before, as_masked.order_by("child_id"), after.order_by(*by_name)]
        return [
            run.values_list("pk", flat=True) for run in (runs[::-1] if self.descending else runs)
        ]

    def __getitem__(self, index: slice) -> list[Child]:
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start:
            return []
        pks: list[int] = []
        for run in self.parts():
            pks += run[: stop - len(pks)]
            if len(pks) >= stop:
                break
        return list(self.of(set(pks[start:stop])))


def _on_the_list(children: QuerySet[Child]) -> QuerySet[Child]:
    """Those of `children` on "Everyone" (held by an IRO, or needing one: looked after or
    on a plan), asked of each child read, not as EXISTS: PostgreSQL reads ORed EXISTS as
    hashed sets of the whole unit, where a page by an index reads a few children."""

    def one(rows: QuerySet[Any]) -> Subquery:
        return Subquery(rows.filter(child=OuterRef("pk")).order_by().values("pk")[:1])

    return children.alias(
        held_by=one(IROAllocation.objects.filter(ended_on__isnull=True)),
        in_care=one(open_periods()),
        on_plan=one(open_plans()),
    ).filter(Q(held_by__isnull=False) | Q(in_care__isnull=False) | Q(on_plan__isnull=False))


def children_of(pks: Collection[int]) -> QuerySet[Child]:
    """These children, annotated as the caseload lists them (`with_next_due`)."""
    return with_next_due(Child.objects.filter(pk__in=pks))


@dataclass(frozen=True)
class NextDue:
    on: dt.date
    what: str
    reason: str


def next_due_of(child) -> NextDue | None:
    """The earliest of an annotated child's statutory dates, with what it is and why."""
    options = [
        (child.lac_due, "Looked-after review", child.lac_reason),
        (child.rcpc_due, "Review conference", child.rcpc_reason),
        (child.icpc_due, "Initial conference", child.icpc_reason),
    ]
    dated = [o for o in options if o[0] is not None]
    if not dated:
        return None
    on, what, reason = min(dated, key=lambda o: o[0])
    return NextDue(on, what, reason)


def _decisions(n: int) -> str:
    return "No decisions." if n == 0 else f"{n} decision{'s' if n > 1 else ''}."


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    title: str
    detail: str = ""
    by: str = ""


def child_timeline(
    *, periods, episodes=(), reviews, plans, enquiries, conferences, disputes, contacts
) -> list[TimelineEvent]:
    """A child's events, newest first, from rows the page has already loaded (`reviews`
    from reviews.selectors.child_reviews, with their decisions)."""
    from core.dates import long_date

    events: list[TimelineEvent] = []
    for p in periods:
        if p.started_on:
            label = "Short breaks began" if p.is_short_breaks else "Became looked after"
            events.append(TimelineEvent(p.started_on, label))
        if p.ended_on:
            events.append(TimelineEvent(p.ended_on, "Stopped being looked after"))
    for e in episodes:
        if e.reason_new_episode in {"P", "T", "U", "B", "S"}:
            label = e.get_placement_display().split(": ", 1)[-1]
            events.append(
                TimelineEvent(
                    e.started_on,
                    f"Placed: {label}",
                    f"Legal status {e.get_legal_status_display()}",
                )
            )
        elif e.reason_new_episode == "L":
            events.append(
                TimelineEvent(e.started_on, f"Legal status changed: {e.get_legal_status_display()}")
            )
    for r in reviews:
        due = ""
        if r.due_on:
            late = " (late)" if r.held_on > r.due_on else ""
            due = f"Was due by {long_date(r.due_on)}{late}. "
        events.append(
            TimelineEvent(
                r.held_on,
                f"Looked-after review{f' {r.number}' if r.number else ''}",
                f"{due}Participation {r.participation_code}. {_decisions(len(live_decisions(r)))}",
                str(r.chair) if r.chair else "",
            )
        )
    for e in enquiries:
        events.append(TimelineEvent(e.strategy_discussion_on, "Section 47 enquiry began"))
    for c in conferences:
        if c.conference.held_on:
            outcome = c.get_outcome_display() if c.outcome else ""
            events.append(
                TimelineEvent(
                    c.conference.held_on,
                    f"{c.conference.get_kind_display()} child protection conference",
                    outcome,
                )
            )
    for p in plans:
        events.append(
            TimelineEvent(
                p.started_on, "Child protection plan began", p.get_initial_category_display()
            )
        )
        if p.ended_on:
            events.append(TimelineEvent(p.ended_on, "Child protection plan ended"))
    for d in disputes:
        events.append(
            TimelineEvent(
                d.raised_on, "Challenge raised", d.get_category_display(), str(d.raised_by)
            )
        )
        for stage in d.stages.all():
            events.append(
                TimelineEvent(
                    stage.started_on, f"Challenge escalated to {stage.level.name.lower()}"
                )
            )
        if d.resolved_on:
            events.append(TimelineEvent(d.resolved_on, "Challenge resolved"))
    for c in contacts:
        alone = ", seen alone" if c.seen_alone else ""
        events.append(
            TimelineEvent(
                c.occurred_on, f"IRO {c.get_kind_display().lower()}{alone}", by=str(c.iro)
            )
        )
    return sorted(events, key=lambda e: e.on, reverse=True)
