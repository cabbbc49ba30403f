"""How long records are kept: date arithmetic only, no database.

The schedule follows DfE and local guidance (issue 11): a looked-after child's records
are kept until their 75th birthday; records of a child who was never looked after (child
protection only) until their 25th, or the age the council chooses. (An uploaded return's
files are the returns layer's: returns.rules.upload_delete_on.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.dates import add_years

LOOKED_AFTER_UNTIL_AGE = 75
PROTECTION_ONLY_UNTIL_AGE = 25
# Who read a child's record: the 6 years of the Limitation Act 1980, and one more.
ACCESS_EVENTS_YEARS = 7
# What the council's case system was told (core.models.OutboxEvent): long enough for a
# poller that was down to catch up, no longer (the events are copies, not records).
OUTBOX_EVENTS_DAYS = 90


@dataclass(frozen=True)
class Schedule:
    """A council's retention schedule (settings.OVERSIGHT_RETENTION)."""

    looked_after_until_age: int = LOOKED_AFTER_UNTIL_AGE
    protection_only_until_age: int = PROTECTION_ONLY_UNTIL_AGE
    access_events_years: int = ACCESS_EVENTS_YEARS
    outbox_events_days: int = OUTBOX_EVENTS_DAYS


def keep_until(*, born_on: dt.date, ever_looked_after: bool, schedule: Schedule) -> dt.date:
    """The last day a child's records are kept as they are: the birthday the schedule
    names (a child born on 29 February has it on 28 February)."""
    age = (
        schedule.looked_after_until_age if ever_looked_after else schedule.protection_only_until_age
    )
    return add_years(born_on, age)


def is_past_keeping(
    *, born_on: dt.date, ever_looked_after: bool, schedule: Schedule, today: dt.date
) -> bool:
    """The records are due to be anonymised: their keep-until day has passed."""
    return today > keep_until(
        born_on=born_on, ever_looked_after=ever_looked_after, schedule=schedule
    )


def access_events_kept_from(*, today: dt.date, schedule: Schedule) -> dt.date:
    """The first day whose access events are still kept on `today`: those of earlier days
    are past their keeping period (settings OVERSIGHT_RETENTION_ACCESS_EVENTS_YEARS)."""
    return add_years(today, -schedule.access_events_years)


def outbox_events_kept_from(*, today: dt.date, schedule: Schedule) -> dt.date:
    """The first day whose outbox events are still kept on `today`
    (settings OVERSIGHT_RETENTION_OUTBOX_DAYS)."""
    return today - dt.timedelta(days=schedule.outbox_events_days)


def anonymised_birth_date(born_on: dt.date) -> dt.date:
    """An anonymised child's date of birth: the 1st of its month, so ages and age bands
    of past years' figures stay (nearly) as they were."""
    return born_on.replace(day=1)
