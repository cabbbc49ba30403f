"""Every open statutory deadline in the unit, composed from the areas.

Each area stores its next due dates and reasons on write and reports its open ones
through `<area>.selectors.open_deadlines` (the one definition of what is open there);
this adds who answers for each (the child's IRO) and its state. One query per kind plus
one for the current IROs, whatever the caseload. The `deadlines` command, the home page,
the API and the nightly alerts read this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import asdict, dataclass
from enum import StrEnum

from core.deadlines import DeadlineStatus, OpenDeadline, deadline_state
from core.kept import unit_kept
from core.models import name_shown
from disputes import selectors as disputes
from fostering import selectors as fostering
from iro.models import IROAllocation
from protection import selectors as protection
from reviews import selectors as reviews


class DeadlineKind(StrEnum):
    LAC_REVIEW = reviews.LAC_REVIEW
    REVIEW_DECISION = reviews.REVIEW_DECISION
    CONFERENCE_DECISION = protection.CONFERENCE_DECISION
    ICPC = protection.ICPC
    RCPC = protection.RCPC
    FOSTER_CARER_REVIEW = fostering.FOSTER_CARER_REVIEW
    DISPUTE_STAGE = disputes.DISPUTE_STAGE


# Each area's reader of its open deadlines, and the same as queries to page. A person's
# are those of the children they hold, and of the carers they review (fostering's).
CHILDREN_PROVIDERS = [
    reviews.open_deadlines,
    protection.open_deadlines,
    disputes.open_deadlines,
]
CARERS_PROVIDERS = [fostering.open_deadlines]
PROVIDERS = [*CHILDREN_PROVIDERS, *CARERS_PROVIDERS]
SOURCES = [
    reviews.deadline_sources,
    protection.deadline_sources,
    disputes.deadline_sources,
    fostering.deadline_sources,
]


KIND_LABELS = {
    DeadlineKind.LAC_REVIEW: "Looked-after review",
    DeadlineKind.REVIEW_DECISION: "Decision of a looked-after review",
    DeadlineKind.CONFERENCE_DECISION: "Decision of a child protection conference",
    DeadlineKind.ICPC: "Initial child protection conference",
    DeadlineKind.RCPC: "Review child protection conference",
    DeadlineKind.FOSTER_CARER_REVIEW: "Foster carer review",
    DeadlineKind.DISPUTE_STAGE: "Dispute stage response",
}


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: dt.date
    status: str
    reason: str
    iro: str
    child: str | None = None
    carer: str | None = None
    iro_user_id: int | None = None
    rule: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[DeadlineKind(self.kind)]

    def as_json(self) -> dict:
        data = asdict(self)
        data["due"] = self.due.isoformat()
        data.pop("iro_user_id")
        if self.carer is None:
            data.pop("carer")
        else:
            data.pop("child")
        return data


def current_iros(
    *, user_id: int | None = None, children: Collection[int] | None = None
) -> dict[int, tuple[int, str]]:
    """Child pk -> (user id, name) of the IRO who holds the child now (`user_id`: only
    the children that person holds; `children`: only those children)."""
    held = IROAllocation.objects.filter(ended_on__isnull=True)
    if user_id is not None:
        held = held.filter(iro__user_id=user_id)
    if children is not None:
        held = held.filter(child_id__in=children)
    rows = held.order_by().values_list(
        "child_id",
        "iro__user_id",
        "iro__user__first_name",
        "iro__user__last_name",
        "iro__user__username",
    )
    return {child: (user, name_shown(f, la, u)) for child, user, f, la, u in rows}


def deadline_of(item: OpenDeadline, as_of: dt.date, iros: dict[int, tuple[int, str]]) -> Deadline:
    state = deadline_state(item.due, as_of=as_of)
    assert state is not None
    if item.child_pk is not None:
        user_id, name = iros.get(item.child_pk, (None, ""))
    else:
        user_id, name = item.officer_user_id, item.officer
    return Deadline(
        kind=item.kind,
        child=item.child_id,
        carer=item.carer,
        due=item.due,
        status=state.status.value,
        reason=item.reason,
        rule=item.rule,
        iro=name,
        iro_user_id=user_id,
    )


def open_deadlines(
    *, as_of: dt.date, within_days: int | None = None, iro_user_id: int | None = None
) -> list[Deadline]:
    """Every open statutory deadline, overdue ones included, soonest first.

    `within_days` keeps overdue items and those due within that many days of `as_of`.
    `iro_user_id` keeps one person's items (children they hold, carers they review),
    read from that person's scope alone: the areas filter in the database, so the work
    is that person's caseload whatever the unit's size.
    """
    horizon = None if within_days is None else as_of + dt.timedelta(days=within_days)
    iros = current_iros(user_id=iro_user_id)
    if iro_user_id is None:
        found = [item for provider in PROVIDERS for item in provider(horizon=horizon)]
    else:
        # The children they hold are read above: the children's areas keep those by
        # their pks (no second join to the allocations), and are not asked if none.
        held = list(iros)
        found = [
            item
            for provider in CHILDREN_PROVIDERS
            for item in (provider(horizon=horizon, children=held) if held else [])
        ]
        found += [
            item
            for provider in CARERS_PROVIDERS
            for item in provider(horizon=horizon, user_id=iro_user_id)
        ]
    items = [deadline_of(item, as_of, iros) for item in found]
    items.sort(key=lambda d: (d.due, d.kind, d.child or d.carer or ""))
    return items


def _soonest(item: OpenDeadline) -> tuple[dt.date, str, str]:
    return (item.due, item.kind, item.child_id or item.carer or "")


class OpenDeadlines:
    """The unit's open deadlines as a sequence for Django's Paginator, soonest first, read
    in the database (issue 14): counted there, and a slice `[a:b]` read as the first `b`
    of each area's query by due date, with the IROs of those children alone.

    `kind` keeps one kind; `status` "overdue" those due before `as_of`, "due" the rest;
    `within_days` those due by that many days after `as_of` (overdue ones too), as
    `open_deadlines` does; `user_id` one person's (the children they hold, the carers
    they review).
    """

    def __init__(
        self,
        *,
        as_of: dt.date,
        kind: str = "",
        status: str = "",
        within_days: int | None = None,
        user_id: int | None = None,
    ) -> None:
        self.as_of = as_of
        self.kept_as = f"deadlines:{as_of.isoformat()}:{kind}:{status}:{within_days}:{user_id}"
        self.sources = [
            source
            for area in SOURCES
            for source in area(user_id=user_id)
            if not kind or source.kind == kind
        ]
        self.window: dict[str, dt.date] = {}
        horizons = [] if within_days is None else [as_of + dt.timedelta(days=within_days)]
        if status == DeadlineStatus.OVERDUE:
            horizons.append(as_of - dt.timedelta(days=1))
        elif status == DeadlineStatus.DUE:
            self.window["since"] = as_of
        if horizons:
            self.window["horizon"] = min(horizons)
        self._count: int | None = None

    def count(self) -> int:
        """How many, kept while the records stand (core.kept): counting reads the unit."""
        if self._count is None:
            self._count = unit_kept(
                self.kept_as,
                lambda: sum(source.count(**self.window) for source in self.sources),
            )[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Deadline]:
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start:
            return []
        # Each source's first `stop` by date: the page is among them, but for rows not
        # yet read from a source whose first `stop` end on or before the page's last day
        # (the page puts a day's deadlines in its own order), read then by their dates.
        reads = [(s, *s.first(stop, **self.window)) for s in self.sources]
        found = sorted((i for _, items, _ in reads for i in items), key=_soonest)
        if len(found) >= stop:
            boundary = found[stop - 1].due
            more = [
                i
                for s, _, last in reads
                if last is not None and last <= boundary
                for i in s.dated(last, boundary, **self.window)
            ]
            found = sorted(dict.fromkeys([*found, *more]), key=_soonest)
        found = found[start:stop]
        iros = current_iros(children={i.child_pk for i in found if i.child_pk is not None})
        return [deadline_of(i, self.as_of, iros) for i in found]
