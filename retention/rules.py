"""How long records are kept: date arithmetic only, no database.

The schedule follows DfE and local guidance (issue 11): a looked-after child's records
are kept until their 75th birthday; records of a child who was never looked after (child
protection only) until their 25th, or the age the council chooses; an uploaded return's
file is deleted once it is loaded and checked, or a number of days after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.dates import add_days, add_years

LOOKED_AFTER_UNTIL_AGE = 75
PROTECTION_ONLY_UNTIL_AGE = 25
UPLOAD_KEPT_DAYS = 0  # deleted the night after the import is loaded and checked
FAILED_UPLOAD_KEPT_DAYS = 30  # kept a while for whoever looks into why it failed


@dataclass(frozen=True)
class Schedule:
    """A council's retention schedule (settings.OVERSIGHT_RETENTION)."""

    looked_after_until_age: int = LOOKED_AFTER_UNTIL_AGE
    protection_only_until_age: int = PROTECTION_ONLY_UNTIL_AGE
    upload_kept_days: int = UPLOAD_KEPT_DAYS
    failed_upload_kept_days: int = FAILED_UPLOAD_KEPT_DAYS


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


def upload_delete_on(*, finished_on: dt.date, failed: bool, schedule: Schedule) -> dt.date:
    """The day an uploaded return's stored file is deleted, counted from the day its import
    finished (loaded and checked, or failed)."""
    days = schedule.failed_upload_kept_days if failed else schedule.upload_kept_days
    return add_days(finished_on, days)


def anonymised_birth_date(born_on: dt.date) -> dt.date:
    """An anonymised child's date of birth: the 1st of its month, so ages and age bands
    of past years' figures stay (nearly) as they were."""
    return born_on.replace(day=1)
