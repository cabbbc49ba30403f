"""When foster carer reviews are due: pure functions (pinned convention 6, FSR 2011 reg 28)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.dates import add_years, long_date
from core.timescales import Due, Timescales


@dataclass(frozen=True)
class HeldCarerReview:
    held_on: dt.date
    is_first: bool
    due: Due

    @property
    def in_time(self) -> bool:
        return self.held_on <= self.due.on


@dataclass(frozen=True)
class CarerSchedule:
    held: list[HeldCarerReview] = field(default_factory=list)
    next_due: Due | None = None
    next_goes_to_panel: bool = False


def carer_review_schedule(
    *,
    approved_on: dt.date,
    held_reviews: Sequence[dt.date],
    approval_ended_on: dt.date | None,
    timescales: Timescales,
) -> CarerSchedule:
    """First review within a year of approval (to panel), then a year after the last."""
    held: list[HeldCarerReview] = []
    previous: dt.date | None = None
    for day in sorted(set(held_reviews)):
        held.append(
            HeldCarerReview(day, previous is None, _next(approved_on, previous, timescales))
        )
        previous = day
    if approval_ended_on is not None:
        return CarerSchedule(held=held)
    return CarerSchedule(
        held=held,
        next_due=_next(approved_on, previous, timescales),
        next_goes_to_panel=previous is None,
    )


def _next(approved_on: dt.date, previous: dt.date | None, timescales: Timescales) -> Due:
    n = timescales.foster_carer_review_years
    unit = "1 year" if n == 1 else f"{n} years"
    if previous is None:
        return Due(
            add_years(approved_on, n),
            f"{unit} after approval on {long_date(approved_on)} (first review, goes to panel)",
            "foster_carer_first_review",
        )
    return Due(
        add_years(previous, n),
        f"{unit} after the last review on {long_date(previous)}",
        "foster_carer_review",
    )
