"""The unit-wide home page lists, counted and paged in the database.

Business support's digest is the unit's booking queue (every review and conference due
within the booking window, or overdue, with nothing booked) with the minutes to send and
any deadline they answer for themselves; the Head of Service's is every overdue deadline
and every plan announced for its length, with a few other notices: thousands of items in
a big unit. The nightly email builds them whole (worklists.alerts.digests_build); the
home page shows 25, so it counts each kind by how overdue in one query a kind, and reads
a page by taking the first rows of each kind in order and merging them (`HomeList`, a
sequence Django's Paginator pages). What it shows is what `digest_for` gives, in the
same order (tests/worklists/test_home_list.py holds one to the other).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Collate

from core.deadlines import DeadlineSource, deadline_state
from core.kept import unit_kept
from core.meetings import BookingSource
from iro.selectors import restricted_ids_hidden_from
from worklists.alerts import (
    PLAN_ITEM_COLUMNS,
    DigestItem,
    Thresholds,
    booking_item,
    deadline_items,
    digest_masked,
    digest_order,
    head_of_service_extra_items,
    long_plans,
    plan_duration_item,
    plan_duration_label,
    plan_duration_spans,
    support_digest_parts,
    thresholds,
)
from worklists.deadlines import KIND_LABELS, SOURCES, DeadlineKind
from worklists.schedule import booking_sources

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


def band_of(item: DigestItem, as_of: dt.date) -> str:
    """Which of BANDS an item of the digest falls in on `as_of`."""
    if item.status != "overdue":
        return item.status
    state = deadline_state(item.due_date, as_of=as_of)
    days = state.days if state is not None else 0
    return next(key for key, _, least in OVERDUE_BANDS if days >= least or least == 1)


def band_dates(band: str, as_of: dt.date, until: dt.date) -> tuple[dt.date | None, dt.date]:
    """The due dates a band of BANDS holds (from, to; from None: no earliest), for the
    dated items of the booking queue (due by `until`)."""
    day = dt.timedelta(days=1)
    if band == "due":
        return as_of, until
    least = {key: n for key, _, n in OVERDUE_BANDS}[band]
    earlier = [n for _, _, n in OVERDUE_BANDS if n > least]
    return (as_of - day * (min(earlier) - 1) if earlier else None), as_of - day * least


@dataclass(frozen=True)
class Queue:
    """One kind of a home list, read in the database: its rows (bounded already), the
    field they are ordered by and how a bounded, ordered query of them becomes digest
    items. Dated items (`notice` False) are ordered and banded by that date; undated
    notices by a child ID (compared as bytes, as Python compares the subjects that begin
    with it)."""

    label: str  # its row in the page's table, and the filter's value
    kind: str  # the items' kind (digest_order's third key)
    rows: Any  # a QuerySet
    order: str
    items: Callable[[Any], list[DigestItem]]
    notice: bool = False
    counted: str = "pk"  # what to count (core.deadlines.DeadlineSource.counted)


def booking_queue(source: BookingSource, *, as_of: dt.date, until: dt.date) -> Queue:
    """An area's reviews or conferences to book, due by `until` (business support)."""
    return Queue(
        label=f"{source.label} to book",
        kind=f"book_{source.kind}",
        rows=source.due_by(until),
        order=source.due_field,
        items=lambda rows: [booking_item(need, as_of) for need in source.as_needs(rows)],
    )


def overdue_queue(source: DeadlineSource, *, as_of: dt.date) -> Queue:
    """An area's open deadlines past their date (the Head of Service)."""
    return Queue(
        label=KIND_LABELS[DeadlineKind(source.kind)],
        kind=source.kind,
        rows=source.within(horizon=as_of - dt.timedelta(days=1)),
        order=source.due,
        items=lambda rows: deadline_items(source.made(rows), as_of),
        counted=source.counted,
    )


def long_plan_queues(*, as_of: dt.date, limits: Thresholds) -> list[Queue]:
    """Plans announced for their length (the Head of Service), a queue per length."""
    spans = plan_duration_spans(as_of, limits)
    queues = []
    for index, (months, latest) in enumerate(spans):
        rows = long_plans(as_of, limits).filter(started_on__lte=latest)
        if index:  # not long enough for the longer lengths
            rows = rows.filter(started_on__gt=spans[index - 1][1])
        queues.append(
            Queue(
                label=plan_duration_label(months),
                kind="plan_duration",
                rows=rows,
                order="child__child_id",
                items=lambda rows: [
                    plan_duration_item(*row, as_of=as_of, limits=limits)
                    for row in rows.values_list(*PLAN_ITEM_COLUMNS)
                ],
                notice=True,
            )
        )
    return queues


def _digest(hidden: frozenset[str]) -> str:
    """A short stable name for a set of child IDs (a cache key's part)."""
    return hashlib.sha256("\n".join(sorted(hidden)).encode()).hexdigest()[:16]


def _bytewise(field: str) -> Any:
    """A text column ordered by its bytes (Python's order of str), not the locale's."""
    collation = "C" if connection.vendor == "postgresql" else "BINARY"
    return Collate(F(field), collation)


@dataclass(frozen=True)
class _Kind:
    queue: Queue
    counts: dict[str, int]
    first_due: dt.date | None
    first_item: DigestItem | None = None


class HomeList:
    """A home page's items filtered by kind (label) and band, as a sequence: len()
    counts in the database, a slice reads that many rows of each kind. `queues` are read
    in the database; `extra` are the few items built in Python (minutes, their own
    deadlines, the Head of Service's other notices)."""

    def __init__(
        self,
        *,
        queues: list[Queue],
        extra: list[DigestItem],
        as_of: dt.date,
        until: dt.date,
        hidden: frozenset[str],
        kept_as: str,
    ) -> None:
        """`kept_as` names the list's counts, kept while the records stand (core.kept):
        they are the unit's, so worked out once for everyone with the same `hidden`."""
        self.as_of, self.until, self.hidden = as_of, until, hidden
        self.extra = sorted(extra, key=digest_order)  # masked already
        counted, self.counted_at = unit_kept(
            f"home:{kept_as}:{as_of.isoformat()}:{_digest(hidden)}",
            lambda: [self._counted(queue) for queue in queues],
        )
        self.kinds = [_Kind(queue, *kept) for queue, kept in zip(queues, counted, strict=True)]
        self.label: str = ""
        self.band: str = ""

    def _counted(self, queue: Queue) -> tuple[dict[str, int], dt.date | None, DigestItem | None]:
        """A queue's counts by band, its first date, and (undated) its first item."""
        if queue.notice:
            n = queue.rows.order_by().aggregate(n=Count(queue.counted))["n"]
            counts = {key: 0 for key, _ in BANDS} | {"notice": n}
            # Where its row sits in the table: its first item's place.
            first = self._first(_Kind(queue, counts, None), 1)[0] if n else None
            return counts, None, first
        due = queue.order
        bands = {}
        for key, _ in BANDS[:-1]:
            start, end = band_dates(key, self.as_of, self.until)
            bands[key] = Count(
                queue.counted, filter=Q(**{f"{due}__lte": end}) & self._from(due, start)
            )
        row = queue.rows.order_by().aggregate(first=Min(due), **bands)
        return {k: row[k] for k, _ in BANDS[:-1]} | {"notice": 0}, row["first"], None

    @staticmethod
    def _from(due: str, start: dt.date | None) -> Q:
        return Q(**{f"{due}__gte": start}) if start else Q()

    # What the page's table counts --------------------------------------------------

    def groups(self) -> list[dict]:
        """Each kind, in the order its first item comes, counted by band (kinds of one
        label, such as two areas' initial conferences, counted together)."""
        firsts: dict[str, tuple] = {}
        counts: dict[str, dict[str, int]] = {}
        for kind in self.kinds:
            if not sum(kind.counts.values()):
                continue
            label = kind.queue.label
            first = self._item_key(kind)
            firsts[label] = min(firsts.get(label, first), first)
            mine = counts.setdefault(label, {key: 0 for key, _ in BANDS})
            for key, n in kind.counts.items():
                mine[key] += n
        for item in self.extra:
            firsts.setdefault(item.label, digest_order(item))
            counts.setdefault(item.label, {key: 0 for key, _ in BANDS})
            counts[item.label][band_of(item, self.as_of)] += 1
        return [
            self._group(label, counts[label])
            for label in sorted(firsts, key=lambda label: firsts[label])
        ]

    def _item_key(self, kind: _Kind) -> tuple:
        if kind.first_item is not None:
            return digest_order(kind.first_item)
        assert kind.first_due is not None
        rank = 0 if kind.first_due < self.as_of else 1
        return (rank, kind.first_due.isoformat(), kind.queue.kind, "")

    @staticmethod
    def _group(label: str, counts: dict[str, int]) -> dict:
        cells = [(key, counts.get(key, 0)) for key, _ in BANDS]
        return {"label": label, "total": sum(n for _, n in cells), "cells": cells}

    def status_counts(self) -> dict[str, int]:
        """Overdue, due and to note, over everything (not the filter)."""
        overdue = sum(
            n
            for kind in self.kinds
            for key, n in kind.counts.items()
            if key not in ("due", "notice")
        )
        return {
            "overdue": overdue + sum(1 for i in self.extra if i.status == "overdue"),
            "due": sum(kind.counts["due"] for kind in self.kinds)
            + sum(1 for i in self.extra if i.status == "due"),
            "notice": sum(kind.counts["notice"] for kind in self.kinds)
            + sum(1 for i in self.extra if i.status == "notice"),
        }

    def total(self) -> int:
        return sum(sum(k.counts.values()) for k in self.kinds) + len(self.extra)

    # The list a filter picks, as the Paginator reads it -------------------------------

    def filtered(self, *, label: str, band: str) -> HomeList:
        """The list of one kind (its label) and band; "" for every one."""
        self.label, self.band = label, band
        return self

    def _kind_wanted(self, kind: _Kind) -> bool:
        """The kind is in the list the filter picks, and has rows in it."""
        held = kind.counts[self.band] if self.band else sum(kind.counts.values())
        return bool(held) and (not self.label or self.label == kind.queue.label)

    def _extra_wanted(self) -> list[DigestItem]:
        return [
            i
            for i in self.extra
            if (not self.label or i.label == self.label)
            and (not self.band or band_of(i, self.as_of) == self.band)
        ]

    def __len__(self) -> int:
        rows = sum(
            (kind.counts[self.band] if self.band else sum(kind.counts.values()))
            for kind in self.kinds
            if not self.label or self.label == kind.queue.label
        )
        return rows + len(self._extra_wanted())

    def count(self) -> int:
        return len(self)

    def __getitem__(self, index: slice) -> list[DigestItem]:
        assert isinstance(index, slice) and index.step is None
        start, stop = index.start or 0, index.stop
        if stop is None or stop <= start:
            return []
        heads = [self._first(kind, stop) for kind in self.kinds if self._kind_wanted(kind)]
        merged = heapq.merge(*heads, self._extra_wanted(), key=digest_order)
        return [item for _, item in zip(range(stop), merged, strict=False)][start:]

    def _first(self, kind: _Kind, n: int) -> list[DigestItem]:
        """The kind's first `n` items in the digest's order. Dated rows are ordered in
        the database by date only (its collation is not Python's): every row on the n-th
        row's day is read, and those are put in order here."""
        queue = kind.queue
        rows = queue.rows
        if queue.notice:
            # Kept, as the counts are: undated, they are ordered by child ID, which no
            # index of theirs holds (the plans' children are a few of the unit's).
            first, _ = unit_kept(
                f"home_notices:{queue.label}:{self.as_of.isoformat()}:{n}:{_digest(self.hidden)}",
                lambda: self._ordered(queue, rows.order_by(_bytewise(queue.order), "pk")[:n]),
            )
            return first[:n]
        due = queue.order
        if self.band:
            start, end = band_dates(self.band, self.as_of, self.until)
            rows = rows.filter(Q(**{f"{due}__lte": end}) & self._from(due, start))
        # The first n items' days: counted as the items are (a row per child it names; a
        # row naming none makes no item). The rows are then read between the first and
        # the n-th day: dates in the query, so the planner sees how few rows that is (the
        # unit's past rows share the date column: on it alone, it would read them all).
        each = rows if queue.counted == "pk" else rows.filter(**{f"{queue.counted}__isnull": False})
        days = list(each.order_by(due).values_list(due, flat=True)[:n])
        if not days:
            return []
        rows = rows.filter(**{f"{due}__gte": days[0], f"{due}__lte": days[-1]})
        return self._ordered(queue, rows.order_by(due))[:n]

    def _ordered(self, queue: Queue, rows: Any) -> list[DigestItem]:
        # Masked before they are put in order, as digest_for masks then sorts.
        return sorted(digest_masked(queue.items(rows), hidden=self.hidden), key=digest_order)


def support_home_list(user, *, as_of: dt.date) -> HomeList:
    """Business support's home page list (`digest_for`'s, counted and paged here)."""
    until, extra = support_digest_parts(user, as_of=as_of)
    return HomeList(
        queues=[booking_queue(s, as_of=as_of, until=until) for s in booking_sources()],
        extra=extra,
        as_of=as_of,
        until=until,
        hidden=restricted_ids_hidden_from(user),
        kept_as="business_support",
    )


def head_of_service_home_list(user, *, as_of: dt.date) -> HomeList:
    """The Head of Service's home page list (`digest_for`'s, counted and paged here): the
    unit's overdue deadlines and long plans read in the database, their other notices
    (a few) built beside them."""
    limits = thresholds()
    hidden = restricted_ids_hidden_from(user)
    extra, _ = unit_kept(
        f"head_of_service_extra:{as_of.isoformat()}:{_digest(hidden)}",
        lambda: digest_masked(head_of_service_extra_items(as_of, limits), hidden=hidden),
    )
    return HomeList(
        queues=[
            *(overdue_queue(s, as_of=as_of) for area in SOURCES for s in area()),
            *long_plan_queues(as_of=as_of, limits=limits),
        ],
        extra=extra,
        as_of=as_of,
        until=as_of,
        hidden=hidden,
        kept_as="head_of_service",
    )
