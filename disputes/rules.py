"""Dispute resolution deadlines: pure functions (pinned convention 7, IRO Handbook ch. 6)."""

from __future__ import annotations

import datetime as dt

from core.dates import WorkingCalendar, add_working_days, long_date
from core.timescales import Due, Timescales


def stage_response_due(
    started_on: dt.date, *, level_name: str, working_days: int, calendar: WorkingCalendar
) -> Due:
    """Each formal stage must be answered within its level's working days."""
    return Due(
        add_working_days(started_on, working_days, calendar),
        f"{working_days} working days after escalation to {level_name.lower()} "
        f"on {long_date(started_on)}",
        "dispute_stage",
    )


def formal_process_due(
    first_formal_on: dt.date, *, calendar: WorkingCalendar, timescales: Timescales
) -> Due:
    """The whole formal process should end within 20 working days of its first stage."""
    n = timescales.dispute_formal_total_working_days
    return Due(
        add_working_days(first_formal_on, n, calendar),
        f"{n} working days after the first formal stage on {long_date(first_formal_on)}",
        "dispute_formal_process",
    )
