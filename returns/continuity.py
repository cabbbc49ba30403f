"""One SSDA903 return against the year before: the DfE's year-to-year continuity rules.

Each year's return lists every episode of its year, so an episode open at 31 March in one
year's return goes on in the next year's return (with the same start, DECOM: DfE rule
502). When the next year's return has been loaded and is silent about it (the child is
not in it, or none of the child's episodes there begins that day):

- it is a data-quality finding for the later year (returns.data_quality), naming the
  child, the episode and both years, on the data-quality page and the child's record;
- the figures follow the latest return for that year: the episode is kept as recorded,
  but periods of care and review deadlines treat it as ending on the 1 April the later
  return's silence begins (`Episode.unreturned_from`, read by reviews.services). The
  child is looked after at 31 March of the earlier year, as its return says, and not at
  any day after; the period counts as ceased in the later year.

A later year loaded again with the episode in it clears both. An episode a still later
return lists again is not ended (that return is the latest to say anything about it),
though the year that left it out keeps its finding. A child with a review held or booked
on or after that 1 April is not ended either: Oversight's own records show the child
still looked after, and the finding asks for the return to be put right.

The DfE's validator compares this year's return with the one sent last year; the return
loaded for the year before is written back as it was loaded (`return_as_loaded_write`)
for it, since Oversight's own export of both years comes from the same records and would
always agree with itself.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from core.dates import year_start
from returns.models import ReturnRow, ReturnTable
from returns.ssda903.tables import BY_NAME, parse_date, tables_for_year
from reviews.models import Episode, LookedAfterReview, ReviewStatus
from reviews.services import children_periods_rebuild

_CHUNK = 2000
CHANGE_REASON = "A later SSDA903 return is silent about an episode open at the end of its own"


@dataclass(frozen=True)
class Break:
    """An episode open at the end of the year before's return that `year`'s does not go on with."""

    child_ref: str
    started_on: dt.date
    year: int
    child_in_year: bool  # False: the child is not in `year`'s return at all

    @property
    def last_year(self) -> int:
        return self.year - 1


def continuity_breaks(
    *,
    year: int,
    open_last_year: Mapping[str, Iterable[dt.date]],
    starts_this_year: Mapping[str, Iterable[dt.date]],
) -> list[Break]:
    """The breaks between two returns (a pure function).

    `open_last_year`: each child's episodes open at the end of the year before (their
    starts); `starts_this_year`: the start of every episode of each child in the year's
    return (a child in the header with no episodes maps to nothing).
    """
    breaks: list[Break] = []
    for child_ref in sorted(open_last_year):
        present = child_ref in starts_this_year
        starts = set(starts_this_year.get(child_ref, ()))
        breaks.extend(
            Break(child_ref=child_ref, started_on=start, year=year, child_in_year=present)
            for start in sorted(set(open_last_year[child_ref]))
            if start not in starts
        )
    return breaks


def unreturned_from(*, return_year: int | None, loaded: set[int]) -> dt.date | None:
    """When the figures end an open episode last listed in `return_year`'s return: the
    start of the next year, if that year's return is loaded (it would list the episode
    otherwise), else never (a pure function)."""
    if return_year is None or return_year + 1 not in loaded:
        return None
    return year_start(return_year + 1)


# Reading the returns loaded --------------------------------------------------------------


def loaded_years() -> set[int]:
    """The collection years whose SSDA903 return is loaded."""
    return set(
        ReturnRow.objects.filter(table=ReturnTable.HEADER)
        .values_list("year", flat=True)
        .order_by()
        .distinct()
    )


def year_breaks(*, year: int, loaded: set[int] | None = None) -> list[Break]:
    """The breaks between the returns loaded for `year` - 1 and `year` (none unless both are)."""
    loaded = loaded_years() if loaded is None else loaded
    if year not in loaded or year - 1 not in loaded:
        return []
    open_last_year: dict[str, list[dt.date]] = {}
    for child_ref, values in _rows(year - 1, ReturnTable.EPISODES):
        if not values.get("DEC"):
            open_last_year.setdefault(child_ref, []).append(parse_date(values["DECOM"]))
    starts_this_year: dict[str, list[dt.date]] = {
        child_ref: [] for child_ref, _ in _rows(year, ReturnTable.HEADER)
    }
    for child_ref, values in _rows(year, ReturnTable.EPISODES):
        starts_this_year.setdefault(child_ref, []).append(parse_date(values["DECOM"]))
    return continuity_breaks(
        year=year, open_last_year=open_last_year, starts_this_year=starts_this_year
    )


def year_dolo_breaks(*, year: int, loaded: set[int] | None = None) -> list[Break]:
    """The deprivations of liberty in force at the end of the return loaded for `year` - 1
    (DOLO_END blank) that `year`'s DoLo table does not go on with, from the same
    DOLO_START (DfE rule 706; none unless both years are loaded). `child_in_year`: the
    child is in `year`'s return."""
    loaded = loaded_years() if loaded is None else loaded
    if year not in loaded or year - 1 not in loaded:
        return []
    in_force: dict[str, list[dt.date]] = {}
    for child_ref, values in _rows(year - 1, ReturnTable.DOLO):
        if values.get("DOLO_START") and not values.get("DOLO_END"):
            in_force.setdefault(child_ref, []).append(parse_date(values["DOLO_START"]))
    if not in_force:
        return []
    starts_this_year: dict[str, list[dt.date]] = {
        child_ref: [] for child_ref, _ in _rows(year, ReturnTable.HEADER)
    }
    for child_ref, values in _rows(year, ReturnTable.DOLO):
        if values.get("DOLO_START"):
            starts_this_year.setdefault(child_ref, []).append(parse_date(values["DOLO_START"]))
    return continuity_breaks(year=year, open_last_year=in_force, starts_this_year=starts_this_year)


def _rows(year: int, table: str):
    return ReturnRow.objects.filter(year=year, table=table).values_list("child__child_id", "values")


def return_as_loaded_write(*, year: int, directory: Path) -> dict[str, int]:
    """Write the year's return as it was loaded (its rows in the files' order) into
    `directory`, as DfE's CSVs; rows per table (all none if the year is not loaded)."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in tables_for_year(year):
        rows = ReturnRow.objects.filter(year=year, table=table.name).order_by("position")
        with (directory / table.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.columns)
            count = 0
            for child_ref, values in rows.values_list("child__child_id", "values"):
                values = {**values, "CHILD": child_ref}
                writer.writerow([values.get(c, "") for c in BY_NAME[table.name].columns])
                count += 1
        counts[table.name] = count
    return counts


# Ending the episodes, for the figures ------------------------------------------------------


def episodes_unreturned_refresh() -> int:
    """Mark the open episodes a later return loaded is silent about, clear the marks no
    longer true, and rebuild those children's periods and deadlines. Returns how many
    episodes changed."""
    loaded = loaded_years()
    episodes = list(
        Episode.objects.filter(
            Q(unreturned_from__isnull=False)
            | Q(ended_on__isnull=True, return_year__in=[y - 1 for y in loaded])
        )
    )
    wanted = {}
    for e in episodes:
        still_open = e.return_year if e.ended_on is None else None
        wanted[e.pk] = unreturned_from(return_year=still_open, loaded=loaded)
    kept_open = _children_reviewed_after(
        {e.child_id: day for e in episodes if (day := wanted[e.pk]) is not None}
    )
    changed = []
    for episode in episodes:
        day = None if episode.child_id in kept_open else wanted[episode.pk]
        if episode.unreturned_from != day:
            episode.unreturned_from = day
            changed.append(episode)
    if not changed:
        return 0
    bulk_update_with_history(
        changed,
        Episode,
        ["unreturned_from"],
        batch_size=500,
        default_change_reason=CHANGE_REASON,
    )
    children_periods_rebuild(
        child_ids=sorted({e.child_id for e in changed}), change_reason=CHANGE_REASON
    )
    return len(changed)


def _children_reviewed_after(days: dict[int, dt.date]) -> set[int]:
    """The children with a review held or booked on or after their day."""
    if not days:
        return set()
    earliest = min(days.values())
    found = set()
    pks = sorted(days)
    for i in range(0, len(pks), _CHUNK):
        reviews = (
            LookedAfterReview.objects.filter(child_id__in=pks[i : i + _CHUNK])
            .exclude(status=ReviewStatus.CANCELLED)
            .filter(Q(held_on__gte=earliest) | Q(scheduled_for__date__gte=earliest))
            .values_list("child_id", "held_on", "scheduled_for")
        )
        for child_pk, held_on, scheduled_for in reviews:
            day = held_on or (scheduled_for and scheduled_for.date())
            if day and day >= days[child_pk]:
                found.add(child_pk)
    return found
