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


# Sense checks on the dates of an enquiry, a conference and a plan: the CIN census's own
# rules, pure, shared by the pages (protection.services) and the census reader
# (returns.cin_census.reader). Each returns what is wrong in words, or None.


def conference_before_enquiry(
    conference_on: dt.date, strategy_discussion_on: dt.date
) -> str | None:
    """CIN rule 8615: the initial conference cannot be before the strategy discussion at
    which the section 47 enquiry started."""
    if conference_on < strategy_discussion_on:
        return (
            f"{long_date(conference_on)} is before the strategy discussion that started the "
            f"enquiry ({long_date(strategy_discussion_on)})"
        )
    return None


def enquiry_before_referral(strategy_discussion_on: dt.date, referral_on: dt.date) -> str | None:
    """CIN rules 1104 and 2889: the section 47 enquiry cannot start before the referral."""
    if strategy_discussion_on < referral_on:
        return (
            f"{long_date(strategy_discussion_on)} is before the referral arrived "
            f"({long_date(referral_on)})"
        )
    return None


def not_after_plan_start(day: dt.date, started_on: dt.date) -> str | None:
    """A plan's review conferences, and its end, come after the day it started."""
    if day <= started_on:
        return f"{long_date(day)} is not after the plan started ({long_date(started_on)})"
    return None


def before_birth(day: dt.date, *, date_of_birth: dt.date | None) -> str | None:
    """A date in a born child's record cannot be before they were born (an unborn
    child's enquiry or conference may be, and often is, before the birth)."""
    if date_of_birth is not None and day < date_of_birth:
        return f"{long_date(day)} is before the child was born ({long_date(date_of_birth)})"
    return None
