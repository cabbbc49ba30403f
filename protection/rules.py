"""When child protection conferences are due: pure functions (pinned convention 5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.dates import WorkingCalendar, add_months, add_working_days, long_date
from core.timescales import Due, Timescales


def icpc_due(
    strategy_discussion_on: dt.date, *, calendar: WorkingCalendar, timescales: Timescales
) -> Due:
    """The initial conference is due 15 working days after the strategy discussion."""
    n = timescales.icpc_working_days
    return Due(
        add_working_days(strategy_discussion_on, n, calendar),
        f"{n} working days after the strategy discussion on {long_date(strategy_discussion_on)}",
        "icpc",
    )


def transfer_in_due(
    notified_on: dt.date, *, calendar: WorkingCalendar, timescales: Timescales
) -> Due:
    """A transfer-in conference is due 15 working days after notification (local rule)."""
    n = timescales.transfer_in_working_days
    return Due(
        add_working_days(notified_on, n, calendar),
        f"{n} working days after notification of the transfer on {long_date(notified_on)}",
        "transfer_in",
    )


@dataclass(frozen=True)
class HeldConference:
    held_on: dt.date
    number: int
    due: Due

    @property
    def in_time(self) -> bool:
        return self.held_on <= self.due.on


@dataclass(frozen=True)
class PlanSchedule:
    held: list[HeldConference] = field(default_factory=list)
    next_due: Due | None = None


def plan_review_schedule(
    *,
    started_on: dt.date,
    review_conferences: Sequence[dt.date],
    ended_on: dt.date | None,
    timescales: Timescales,
) -> PlanSchedule:
    """RCPC1 within 3 months of the initial conference, then every 6 months while open.

    The plan starts at its initial (or transfer-in) conference (CIN rule 2885), so its
    start date anchors the schedule.
    """
    held: list[HeldConference] = []
    previous: dt.date | None = None
    for i, day in enumerate(sorted(set(review_conferences))):
        held.append(HeldConference(day, i + 1, _next(started_on, previous, timescales)))
        previous = day
    next_due = None if ended_on is not None else _next(started_on, previous, timescales)
    return PlanSchedule(held=held, next_due=next_due)


def _next(started_on: dt.date, previous: dt.date | None, timescales: Timescales) -> Due:
    if previous is None:
        n = timescales.first_rcpc_months
        return Due(
            add_months(started_on, n),
            f"{n} months after the initial conference on {long_date(started_on)}",
            "rcpc_first",
        )
    n = timescales.later_rcpc_months
    return Due(
        add_months(previous, n),
        f"{n} months after the previous review conference on {long_date(previous)}",
        "rcpc_later",
    )
