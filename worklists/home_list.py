"""Business support's home page list, counted and paged in the database.

Their digest is the unit's booking queue (every review and conference due within the
booking window, or overdue, with nothing booked) with the minutes to send and any
deadline they answer for themselves: tens of thousands of items in a big unit. The
nightly email builds it whole (worklists.alerts.digests_build); the home page shows 25,
so it counts each kind by how overdue in one query a kind, and reads a page by taking
the first rows of each kind in order and merging them (`HomeList`, a sequence Django's
Paginator pages). What it shows is what `digest_for` gives, in the same order
(tests/worklists/test_home_list.py holds one to the other).
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q

from core.deadlines import deadline_state
from core.meetings import BookingSource
from iro.selectors import restricted_ids_hidden_from
from worklists.alerts import (
    DigestItem,
    booking_item,
    digest_masked,
    digest_order,
    support_digest_parts,
)
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


@dataclass
class _Kind:
    source: BookingSource
    counts: dict[str, int]
    first_due: dt.date | None


class HomeList:
    """The home page's items for business support, filtered by kind (label) and band,
    as a sequence: len() counts in the database, a slice reads that many rows of each
    kind. `extra` are the few items built in Python (minutes, their own deadlines)."""

    def __init__(
        self,
        *,
        sources: list[BookingSource],
        extra: list[DigestItem],
        as_of: dt.date,
        until: dt.date,
        hidden: frozenset[str],
    ) -> None:
        self.as_of, self.until, self.hidden = as_of, until, hidden
        self.extra = sorted(extra, key=digest_order)  # masked already
        self.kinds = [self._counted(source) for source in sources]
        self.label: str = ""
        self.band: str = ""

    def _counted(self, source: BookingSource) -> _Kind:
        due = source.due_field
        bands = {}
        for key, _ in BANDS[:-1]:
            start, end = band_dates(key, self.as_of, self.until)
            bands[key] = Count("pk", filter=Q(**{f"{due}__lte": end}) & self._from(due, start))
        row = source.due_by(self.until).order_by().aggregate(first=Min(due), **bands)
        return _Kind(source, {k: row[k] for k, _ in BANDS[:-1]}, row["first"])

    @staticmethod
    def _from(due: str, start: dt.date | None) -> Q:
        return Q(**{f"{due}__gte": start}) if start else Q()

    # What the page's table counts --------------------------------------------------

    def groups(self) -> list[dict]:
        """Each kind, in the order its first item comes, counted by band."""
        rows: list[tuple[Any, dict]] = []
        for kind in self.kinds:
            total = sum(kind.counts.values())
            if not total:
                continue
            first = self._item_key(kind)
            rows.append((first, self._group(kind.source.label + " to book", kind.counts)))
        labels = list(dict.fromkeys(i.label for i in self.extra))
        for label in labels:
            mine = [i for i in self.extra if i.label == label]
            counts = {key: 0 for key, _ in BANDS}
            for item in mine:
                counts[band_of(item, self.as_of)] += 1
            rows.append((digest_order(mine[0]), self._group(label, counts)))
        return [group for _, group in sorted(rows, key=lambda r: r[0])]

    def _item_key(self, kind: _Kind) -> tuple:
        assert kind.first_due is not None
        rank = 0 if kind.first_due < self.as_of else 1
        return (rank, kind.first_due.isoformat(), f"book_{kind.source.kind}", "")

    @staticmethod
    def _group(label: str, counts: dict[str, int]) -> dict:
        cells = [(key, counts.get(key, 0)) for key, _ in BANDS]
        return {"label": label, "total": sum(n for _, n in cells), "cells": cells}

    def status_counts(self) -> dict[str, int]:
        """Overdue, due and to note, over everything (not the filter)."""
        overdue = sum(
            n for kind in self.kinds for key, n in kind.counts.items() if key != "due"
        ) + sum(1 for i in self.extra if i.status == "overdue")
        due = sum(kind.counts["due"] for kind in self.kinds) + sum(
            1 for i in self.extra if i.status == "due"
        )
        return {
            "overdue": overdue,
            "due": due,
            "notice": sum(1 for i in self.extra if i.status == "notice"),
        }

    def total(self) -> int:
        return sum(sum(k.counts.values()) for k in self.kinds) + len(self.extra)

    # The list a filter picks, as the Paginator reads it -------------------------------

    def filtered(self, *, label: str, band: str) -> HomeList:
        """The list of one kind (its label) and band; "" for every one."""
        self.label, self.band = label, band
        return self

    def _kind_wanted(self, kind: _Kind) -> bool:
        return (not self.label or self.label == f"{kind.source.label} to book") and (
            self.band != "notice"
        )

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
            if self._kind_wanted(kind)
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
        """The kind's first `n` items in the digest's order. The database orders by due
        date only (its collation is not Python's): every row on the n-th row's day is
        read, and those are put in order here."""
        source, due = kind.source, kind.source.due_field
        rows = source.due_by(self.until)
        if self.band:
            start, end = band_dates(self.band, self.as_of, self.until)
            rows = rows.filter(Q(**{f"{due}__lte": end}) & self._from(due, start))
        last = list(rows.order_by(due).values_list(due, flat=True)[n - 1 : n])
        if last:
            rows = rows.filter(**{f"{due}__lte": last[0]})
        items = [booking_item(need, self.as_of) for need in source.as_needs(rows)]
        # Masked before they are put in order, as digest_for masks then sorts.
        return sorted(digest_masked(items, hidden=self.hidden), key=digest_order)[:n]


def support_home_list(user, *, as_of: dt.date) -> HomeList:
    """Business support's home page list (`digest_for`'s, counted and paged here)."""
    until, extra = support_digest_parts(user, as_of=as_of)
    return HomeList(
        sources=booking_sources(),
        extra=extra,
        as_of=as_of,
        until=until,
        hidden=restricted_ids_hidden_from(user),
    )
