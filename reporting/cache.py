"""The annual report's figures, kept for a while (issue 14): working them out reads years
of records, and the dashboard, its tables and the report documents all ask for them.

- A year still in progress is kept for `OVERSIGHT_REPORT_CACHE_SECONDS` (five minutes):
  the dashboard says when its figures were worked out, so a figure a few minutes old is
  never taken for one of this second.
- A closed year is kept for a day, and only while the records stand as they did: its
  key carries a fingerprint of every kept history (the newest history row of each
  tracked model), so a late import or a correction, which always writes history, gives a
  new key and the figures are worked out afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.kept import history_fingerprint
from reporting.catalogue import Period

CLOSED_YEAR_SECONDS = 24 * 60 * 60
T = TypeVar("T")


def records_fingerprint() -> str:
    """The newest history row of every tracked model, which moves with any recorded change,
    and the populations and comparators the report reads (small tables, kept without
    history): a digest that changes when anything the report reads does."""
    from reporting.models import Benchmark, PopulationEstimate

    parts: list[Any] = list(history_fingerprint())
    parts.append(list(PopulationEstimate.objects.order_by("year").values_list()))
    parts.append(list(Benchmark.objects.order_by("pk").values_list()))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


class KeptReport(NamedTuple):
    """A year's report as kept: its figures, when they were worked out, and a token new
    each time they are (what a page drawn from them is kept under)."""

    report: dict[str, Any]
    computed_at: dt.datetime
    version: str


def report_cached(year: int, *, as_of: dt.date) -> KeptReport:
    """The year's report (reporting.annual_report.report_build) and when it was worked out."""
    from reporting.annual_report import report_build

    if Period.of(year, as_of=as_of).is_complete:
        key = f"report-kept:{year}:closed:{records_fingerprint()}"
        seconds = CLOSED_YEAR_SECONDS
    else:
        key = _year_so_far_key(year, as_of=as_of)
        seconds = int(settings.OVERSIGHT_REPORT_CACHE_SECONDS)
    kept = cache.get(key)
    if kept is None:
        kept = KeptReport(report_build(year, as_of=as_of), timezone.now(), uuid.uuid4().hex)
        cache.set(key, kept, seconds)
    return kept


def _year_so_far_key(year: int, *, as_of: dt.date) -> str:
    return f"report-kept:{year}:{as_of.isoformat()}"


def year_so_far_forgotten(year: int, *, as_of: dt.date) -> None:
    """Forget the kept report of the year in progress, as when its few minutes are up
    (the closed years it reads stay kept): the next view works it out again."""
    cache.delete(_year_so_far_key(year, as_of=as_of))


class ClosedYears:
    """What a report reads of years already closed (the trend tables' earlier years, the
    monthly series' earlier months), worked out once and kept as a closed year's report
    is, under the records' fingerprint: read once, when first needed. So a report of the
    year so far counts the year so far, not five years of history each time."""

    def __init__(self) -> None:
        self._fingerprint: str | None = None

    def kept(
        self, what: str, years: list[int], compute: Callable[[list[int]], dict[int, T]]
    ) -> dict[int, T]:
        """Each year's `what`: those kept read back, the rest worked out together by
        `compute(years)` (one count for them all, as if none were kept) and kept."""
        if not years:
            return {}
        if self._fingerprint is None:
            self._fingerprint = records_fingerprint()
        keys = {year: f"report:{year}:{what}:{self._fingerprint}" for year in years}
        found: dict[int, T] = {}
        kept = cache.get_many(list(keys.values()))
        for year, key in keys.items():
            if key in kept:
                found[year] = kept[key]
        missing = [year for year in years if year not in found]
        if missing:
            worked_out = compute(missing)
            cache.set_many({keys[y]: worked_out[y] for y in missing}, CLOSED_YEAR_SECONDS)
            found.update(worked_out)
        return found
