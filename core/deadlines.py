"""A statutory deadline as every area reports it, and its state on a day.

`deadline_state` is the one definition of "overdue", "due soon" and "due" and of the
words that go with them ("overdue by 41 days", "due in 3 days"): pages, emails, the API
and the commands all call it, and templates only show what it returns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.db.models import Count, QuerySet

# What "due soon" means when a page does not say otherwise (calendar days).
DUE_SOON_DAYS = 28


class DeadlineStatus(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"


@dataclass(frozen=True)
class DeadlineState:
    """Where a due date stands on `as_of`: overdue (by `days`), or due (in `days`)."""

    due: dt.date
    as_of: dt.date
    soon: bool

    @property
    def status(self) -> DeadlineStatus:
        return DeadlineStatus.OVERDUE if self.due < self.as_of else DeadlineStatus.DUE

    @property
    def overdue(self) -> bool:
        return self.status == DeadlineStatus.OVERDUE

    @property
    def days(self) -> int:
        """Days overdue, or days until it is due (0 on the day)."""
        return abs((self.due - self.as_of).days)

    @property
    def tag(self) -> str:
        if self.overdue:
            return "Overdue"
        return "Due soon" if self.soon else "Due"

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag modifier for the tag."""
        if self.overdue:
            return "red"
        return "yellow" if self.soon else "blue"

    @property
    def text(self) -> str:
        """Contextual words, GOV.UK style: "overdue by 41 days", "due in 3 days"."""
        days = self.days
        plural = "day" if days == 1 else "days"
        if self.overdue:
            return f"overdue by {days} {plural}"
        if days == 0:
            return "due today"
        if days == 1:
            return "due tomorrow"
        return f"due in {days} {plural}"


def deadline_state(
    due: dt.date | None, *, as_of: dt.date, soon_days: int = DUE_SOON_DAYS
) -> DeadlineState | None:
    """The state of a due date on `as_of`; None when there is no due date."""
    if due is None:
        return None
    return DeadlineState(due=due, as_of=as_of, soon=due <= as_of + dt.timedelta(days=soon_days))


@dataclass(frozen=True)
class OpenDeadline:
    """An open deadline as an area reports it (`<area>.selectors.open_deadlines`).

    A child's deadline is answered by the child's IRO, which the worklists attach; a
    carer's names its reviewing officer itself.
    """

    kind: str
    label: str
    due: dt.date
    reason: str
    child_pk: int | None = None
    child_id: str | None = None
    carer: str | None = None
    officer_user_id: int | None = None
    officer: str = ""
    rule: str = ""  # the Due.rule stored beside the date
    # The row that stores the due date ("app_label.model" and its pk): what the outbox's
    # "deadline.overdue" event names (core.outbox).
    subject_type: str = ""
    subject_pk: int | None = None


def due_window(field: str, horizon: dt.date | None) -> dict[str, object]:
    """Filter keywords: a stored due date is set and, given a horizon, falls by it."""
    lookups: dict[str, object] = {f"{field}__isnull": False}
    if horizon is not None:
        lookups[f"{field}__lte"] = horizon
    return lookups


@dataclass(frozen=True)
class DeadlineSource:
    """One query of an area's open deadlines (`<area>.selectors.deadline_sources`): its
    rows, the column of their due date, the columns a deadline is made from and how. Each
    deadline names the row that stores its date (its subject, for core.outbox).

    Lists read it in the database: filtered by due date, counted, and the first so many
    by due date, so a page of the unit's deadlines reads a page, not the unit.
    """

    kind: str
    rows: QuerySet[Any]
    due: str
    columns: tuple[str, ...]
    make: Callable[..., OpenDeadline | None]

    def within(
        self, *, horizon: dt.date | None = None, since: dt.date | None = None
    ) -> QuerySet[Any]:
        """The rows with a due date, by `horizon` and from `since` where given."""
        rows = self.rows.filter(**due_window(self.due, horizon))
        if since is not None:
            rows = rows.filter(**{f"{self.due}__gte": since})
        return rows

    @property
    def counted(self) -> str:
        """What to count to count its deadlines: a row's first column where that is read
        across a relation (a conference's children: one deadline per child it covered,
        none for a conference that covered none), else the row."""
        first = self.columns[0]
        return first if "__" in first else "pk"

    def count(self, *, horizon: dt.date | None = None, since: dt.date | None = None) -> int:
        rows = self.within(horizon=horizon, since=since).order_by()
        return int(rows.aggregate(n=Count(self.counted))["n"])

    def deadlines(
        self,
        *,
        horizon: dt.date | None = None,
        since: dt.date | None = None,
        first: int | None = None,
    ) -> list[OpenDeadline]:
        """The deadlines (`first`: at least the first so many by date, and every one on
        the last of their days, so a reader that puts ties in its own order has them
        all; `first` of 0 reads none)."""
        rows = self.within(horizon=horizon, since=since)
        if first is None:
            return self.made(rows.order_by())
        if first <= 0:
            return []
        read, last = self.first(first, horizon=horizon, since=since)
        if last is None:
            return read
        return list(dict.fromkeys([*read, *self.dated(last, last, horizon=horizon, since=since)]))

    def first(
        self, n: int, *, horizon: dt.date | None = None, since: dt.date | None = None
    ) -> tuple[list[OpenDeadline], dt.date | None]:
        """The deadlines of the first `n` rows by date, and the date of the n-th row if
        there were `n` (rows after it, on its day or later, are not read: `dated`)."""
        rows = self._rows(self.within(horizon=horizon, since=since).order_by(self.due, "pk")[:n])
        last = rows[-1][self.columns.index(self.due)] if n > 0 and len(rows) == n else None
        return self._made(rows), last

    def dated(
        self,
        low: dt.date,
        high: dt.date,
        *,
        horizon: dt.date | None = None,
        since: dt.date | None = None,
    ) -> list[OpenDeadline]:
        """The deadlines due from `low` to `high`, by dates in the query (so the planner
        reads the date's index; a subquery's date it cannot see)."""
        rows = self.within(horizon=horizon, since=since).filter(
            **{f"{self.due}__gte": low, f"{self.due}__lte": high}
        )
        return self.made(rows.order_by("pk"))

    def made(self, rows: QuerySet[Any]) -> list[OpenDeadline]:
        """Rows of this source (filtered, ordered or sliced by the reader) as deadlines,
        in their order."""
        return self._made(self._rows(rows))

    def _rows(self, rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
        return list(rows.values_list(*self.columns, "pk"))

    def _made(self, values: list[tuple[Any, ...]]) -> list[OpenDeadline]:
        subject = self.rows.model._meta.label_lower
        made = ((self.make(*row[:-1]), row[-1]) for row in values)
        return [
            replace(item, subject_type=subject, subject_pk=pk)
            for item, pk in made
            if item is not None
        ]


def deadlines_from(
    sources: list[DeadlineSource], *, horizon: dt.date | None = None
) -> list[OpenDeadline]:
    """Every deadline of an area's sources, by `horizon` if given (a query each)."""
    return [item for source in sources for item in source.deadlines(horizon=horizon)]
