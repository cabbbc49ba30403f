"""Calendar arithmetic for statutory timescales: pure functions, no ORM.

Every "within N working days", "within N months" and "within 28 days" in Oversight
goes through this module (RULES.md, pinned conventions 1-3). The council-specific parts
(extra closure dates, whether the start day counts as day 1) live in a `WorkingCalendar`
built from settings by `default_calendar()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import cast

import holidays
from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class WorkingCalendar:
    """England & Wales working days, plus a council's own closure dates."""

    extra_closures: frozenset[dt.date] = field(default_factory=frozenset)
    # Pinned convention 2: the start date is day 0. The DfE CIN validator counts it
    # as day 1, which makes every deadline one working day earlier.
    count_start_as_day_one: bool = False

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in _bank_holidays(day.year)
            and day not in self.extra_closures
        )


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday_name(day: dt.date) -> str | None:
    """The name of the England and Wales bank holiday on `day`, or None."""
    if day not in _bank_holidays(day.year):
        return None
    return str(holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day))


@lru_cache(maxsize=65_536)  # pure, and called per row by lists and nightly alerts
def add_working_days(start: dt.date, n: int, calendar: WorkingCalendar) -> dt.date:
    """Return the date N working days after `start` (the deadline of "within N WD of start").

    `start` is day 0 whether or not it is a working day, so the deadline is the Nth
    working day after it. With `count_start_as_day_one`, a working `start` is day 1.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    remaining = n
    if calendar.count_start_as_day_one and n > 0 and calendar.is_working_day(start):
        remaining -= 1
    day = start
    while remaining > 0:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, calendar: WorkingCalendar) -> int:
    """Count working days after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def add_months(start: dt.date, n: int) -> dt.date:
    """Add calendar months, clamped to the month's end (31 Aug + 3 months = 30 Nov)."""
    return start + relativedelta(months=n)


def add_years(start: dt.date, n: int) -> dt.date:
    """Add calendar years, clamped (29 Feb + 1 year = 28 Feb)."""
    return start + relativedelta(years=n)


def add_days(start: dt.date, n: int) -> dt.date:
    return start + dt.timedelta(days=n)


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Age in completed years on a date (pinned convention 9)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def year_start(year: int) -> dt.date:
    """First day of the reporting year "year-(year+1)": 1 April."""
    return dt.date(year, 4, 1)


def year_end(year: int) -> dt.date:
    """Last day of the reporting year: 31 March of the following calendar year."""
    return dt.date(year + 1, 3, 31)


def long_date(day: dt.date) -> str:
    """The GOV.UK date style: 4 May 2023."""
    return f"{day.day} {day:%B %Y}"


def long_datetime(at: dt.datetime) -> str:
    """The GOV.UK style for a moment, in local time: 1 December 2026 at 2:05pm (10am,
    midday, midnight)."""
    from django.utils import timezone

    at = timezone.localtime(at)
    return f"{long_date(at.date())} at {long_time(at.time())}"


def long_time(at: dt.time) -> str:
    """The GOV.UK style for a time of day: 2:05pm, 10am, midday, midnight."""
    if at.minute == 0 and at.hour in (0, 12):
        return "midnight" if at.hour == 0 else "midday"
    hour = at.hour % 12 or 12
    minutes = f":{at.minute:02d}" if at.minute else ""
    return f"{hour}{minutes}{'am' if at.hour < 12 else 'pm'}"


def parse_closure_dates(values: Iterable[str]) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(v.strip()) for v in values if v.strip())


def default_calendar() -> WorkingCalendar:
    """The calendar configured in settings (OVERSIGHT_WORKING_DAYS)."""
    from django.conf import settings

    conf = settings.OVERSIGHT_WORKING_DAYS
    # The settings dict mixes a list and a bool, so mypy reads its values as object.
    closures = cast("list[str]", conf["extra_closure_dates"])
    return _calendar(tuple(sorted(closures)), bool(conf["count_start_as_day_one"]))


@lru_cache(maxsize=8)
def _calendar(closures: tuple[str, ...], day_one: bool) -> WorkingCalendar:
    return WorkingCalendar(
        extra_closures=parse_closure_dates(closures), count_start_as_day_one=day_one
    )


def collection_year_of(reference_date: dt.date) -> int:
    """The collection year a 31 March reference date closes: 2025-03-31 -> 2024 (2024-25)."""
    return reference_date.year - 1 if reference_date.month <= 3 else reference_date.year
