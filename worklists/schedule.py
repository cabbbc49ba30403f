"""Reads for business support's scheduling: what needs a date, who is booked when.

Spans looked-after reviews and child protection conferences: each area reports what it
needs booked (`booking_needs`) and what is booked (`core.meetings`); this composes them.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.meetings import BookingNeed, BookingSource, Meeting, chair_clashes, meetings_between
from protection import selectors as protection
from reviews import selectors as reviews

__all__ = [
    "BookingNeed",
    "Meeting",
    "booking_board",
    "booking_sources",
    "chair_clashes",
    "meetings_between",
]


def booking_sources() -> list[BookingSource]:
    """What every area needs booked, as queries (core.meetings.BookingSource)."""
    return reviews.booking_sources() + protection.booking_sources()


def booking_board(*, as_of: dt.date, weeks: int) -> list[BookingNeed]:
    """Reviews and conferences due within `weeks` (or overdue) with nothing booked, oldest
    first. Each area says what it needs booked; three queries, whatever the size."""
    until = as_of + dt.timedelta(weeks=weeks)
    needs = reviews.booking_needs(until=until) + protection.booking_needs(until=until)
    return sorted(needs, key=lambda n: (n.due, n.kind, n.child_id))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
