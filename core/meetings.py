"""Meetings a chair is booked for, from every area, and clashes between them.

Each area that books meetings (looked-after reviews, conferences) registers a provider
of its booked meetings in a window (`meeting_providers.register` in its AppConfig), so
booking in any area sees the chair's bookings in all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from core.dates import bank_holiday_name, default_calendar, long_date
from core.plugins import Registry

# How long a review or conference is taken to occupy its chair, for clash warnings.
MEETING_LENGTH = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Meeting:
    kind: str  # lac_review or conference
    label: str
    starts_at: dt.datetime
    venue: str
    chair_id: int | None
    chair: str
    children: list[tuple[str, str]] = field(default_factory=list)  # (child ID, name)
    pk: int = 0

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + MEETING_LENGTH


@dataclass(frozen=True)
class BookingNeed:
    """A review or conference that is due soon and has no date booked."""

    kind: str  # lac_review, icpc, transfer_in or rcpc
    label: str
    child_id: str
    child_name: str
    family_id: int | None
    due: dt.date
    reason: str
    initials: str = ""  # the child's (core.models.initials_of), for lists that name no one


NEED_COLUMNS = ("child__child_id", "child__first_name", "child__last_name", "child__family_id")


@dataclass(frozen=True)
class BookingSource:
    """What an area needs booked, as a query its readers bound and page themselves: the
    rows (with nothing booked), the field of their due date and of its reason. Read by
    the booking board (`needs`) and business support's home page, counted and paged in
    the database (worklists.home_list)."""

    kind: str  # lac_review, icpc, transfer_in or rcpc
    label: str
    rows: Any  # a QuerySet of the area's records (core knows no app's models)
    due_field: str
    reason_field: str

    def due_by(self, until: dt.date) -> Any:
        return self.rows.filter(**{f"{self.due_field}__lte": until})

    def as_needs(self, rows: Any) -> list[BookingNeed]:
        """The rows (a bounded query of `rows`) as BookingNeed, in the query's order."""
        from core.models import initials_of

        return [
            BookingNeed(
                self.kind,
                self.label,
                cid,
                f"{first} {last}",
                family,
                due,
                reason,
                initials=initials_of(first, last),
            )
            for cid, first, last, family, due, reason in rows.values_list(
                *NEED_COLUMNS, self.due_field, self.reason_field
            )
            if due is not None
        ]

    def needs(self, *, until: dt.date) -> list[BookingNeed]:
        return self.as_needs(self.due_by(until))


MeetingProvider = Callable[..., list[Meeting]]
# provider(start, end, *, chair_id) -> booked meetings starting in [start, end)
meeting_providers = Registry("meetings")


def meetings_between(
    start: dt.datetime, end: dt.datetime, *, chair_id: int | None = None
) -> list[Meeting]:
    """Booked meetings of every area starting in [start, end), soonest first."""
    meetings: list[Meeting] = []
    for provider in meeting_providers:
        meetings += provider(start, end, chair_id=chair_id)
    return sorted(meetings, key=lambda m: m.starts_at)


def chair_clashes(
    *, chair_id: int, starts_at: dt.datetime, ignore: tuple[str, int] | None = None
) -> list[Meeting]:
    """The chair's other bookings that overlap a meeting starting at `starts_at`."""
    nearby = meetings_between(
        starts_at - MEETING_LENGTH, starts_at + MEETING_LENGTH, chair_id=chair_id
    )
    return [m for m in nearby if ignore is None or (m.kind, m.pk) != ignore]


def describe_clash(meeting: Meeting) -> str:
    when = timezone.localtime(meeting.starts_at)
    ids = ", ".join(child_id for child_id, _ in meeting.children)
    return (
        f"{meeting.chair} is already booked to chair a {meeting.label.lower()} for {ids} "
        f"at {when:%H:%M} on {long_date(when.date())} ({meeting.venue})."
    )


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def date_warnings(day: dt.date, *, due_on: dt.date | None) -> list[str]:
    """What to check before booking a meeting on `day`: a weekend, a bank holiday or a
    council closure, or a date after the one it is due by (saying by how many days).

    A warning is not a refusal: the person booking confirms it and the booking keeps it.
    """
    warnings = []
    if day.weekday() >= 5:
        warnings.append(f"{long_date(day)} is a {day:%A}.")
    elif (holiday := bank_holiday_name(day)) is not None:
        warnings.append(f"{long_date(day)} is a bank holiday ({holiday}).")
    elif not default_calendar().is_working_day(day):
        warnings.append(f"{long_date(day)} is a day the council is closed.")
    if due_on is not None and day > due_on:
        warnings.append(
            f"{long_date(day)} is {_days((day - due_on).days)} after it is due "
            f"({long_date(due_on)})."
        )
    return warnings
