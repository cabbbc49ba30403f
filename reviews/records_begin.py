"""The day the council's records begin (RULES.md pinned convention 4), kept in one row.

Every SSDA903 import (and so every SSD import, which loads through it) calls
`records_begin_update` before it rebuilds the schedules; the LAC schedule reads the day
through `records_begin_on` (reviews.services), and managers see it on the imports page.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.dates import default_calendar
from core.timescales import default_timescales
from reviews.models import PeriodOfCare, RecordsBegin
from reviews.rules import CareHistory, earlier_reviews_unknown, records_begin_day

_THE_ROW = 1


def records_begin_get() -> RecordsBegin | None:
    """The stored records-begin row, or None before any import."""
    return RecordsBegin.objects.filter(pk=_THE_ROW).first()


def records_begin_on() -> dt.date | None:
    """The day the council's records begin, or None if nothing has been loaded."""
    return RecordsBegin.objects.filter(pk=_THE_ROW).values_list("begins_on", flat=True).first()


def period_reviews_on_record(period: PeriodOfCare) -> bool:
    """Whether every review of the period is on record: its start is, and its first review
    fell due on or after the records begin (so which review is the second can be known)."""
    if period.started_on is None:
        return False
    history = CareHistory(
        started_on=period.started_on,
        short_breaks=period.is_short_breaks,
        records_begin=records_begin_on(),
    )
    return not earlier_reviews_unknown(
        history, calendar=default_calendar(), timescales=default_timescales()
    )


@transaction.atomic
def records_begin_update(
    *,
    earliest_return_year: int | None = None,
    recording_started_on: dt.date | None = None,
    change_reason: str = "",
) -> RecordsBegin | None:
    """Keep the records-begin day true after an import (or when the unit starts recording).

    Each value given counts only if it is earlier than the one stored, so loading returns
    in any order, or a year twice, gives the same day. Returns the row (None if neither
    value is known).
    """
    row = RecordsBegin.objects.select_for_update().filter(pk=_THE_ROW).first()
    years = [y for y in (earliest_return_year, row and row.earliest_return_year) if y]
    starts = [d for d in (recording_started_on, row and row.recording_started_on) if d]
    year = min(years, default=None)
    started = min(starts, default=None)
    begins = records_begin_day(earliest_return_year=year, recording_started_on=started)
    if begins is None:
        return row
    if row is None:
        row = RecordsBegin(pk=_THE_ROW)
    elif (row.earliest_return_year, row.recording_started_on) == (year, started):
        return row
    row.earliest_return_year, row.recording_started_on, row.begins_on = year, started, begins
    row._change_reason = change_reason[:100]  # type: ignore[attr-defined]
    row.save()
    return row


def records_begin_move(
    *,
    earliest_return_year: int | None = None,
    recording_started_on: dt.date | None = None,
    change_reason: str = "",
) -> list[int]:
    """Update the day (as `records_begin_update`); if it moved, the children whose periods
    began before it was (their schedules may read it), for the caller to reschedule."""
    before = records_begin_on()
    row = records_begin_update(
        earliest_return_year=earliest_return_year,
        recording_started_on=recording_started_on,
        change_reason=change_reason,
    )
    after = row.begins_on if row else None
    if after is None or before == after:
        return []
    until = max(before or after, after)
    return list(
        PeriodOfCare.objects.filter(started_on__lt=until)
        .values_list("child_id", flat=True)
        .distinct()
    )
