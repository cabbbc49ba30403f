"""Write a collection year's SSDA903 return from Oversight's records, as DfE's CSVs.

The year's children are those with an episode in it (1 April to 31 March), and the care
leavers with an OC3 row in the year's return as loaded (they have no episode in it). Episodes,
reviews and adoption decisions come from Oversight's records, so what was recorded in
Oversight is returned; a value dated after the year's 31 March is left blank, as it was
not yet known (an episode that ended later is open in that year's file). The tables
Oversight does not model, and the header's UPN, MOTHER and MC_DOB, come from the rows of
that year's return as loaded (`ReturnRow`); MOTHER and MC_DOB fall back to the latest
earlier year's.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from django.db.models import Q

from core.dates import year_end, year_start
from iro.models import Child
from returns.models import ReturnRow, ReturnTable
from returns.ssda903.reading import EPISODE_COLUMNS, MODELLED
from returns.ssda903.tables import BY_NAME, format_date, sex_for_year, tables_for_year
from reviews.models import AdoptionDecision, Episode, LookedAfterReview
from reviews.models import ReviewStatus as Status

_CHUNK = 2000


def return_export(
    *, year: int, directory: Path, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Write the year's tables into `directory` (created if need be); rows per table."""
    say = progress or (lambda _: None)
    first, last = year_start(year), year_end(year)
    episodes = [
        e
        for e in Episode.objects.filter(started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .order_by("child_id", "started_on")
        # An open episode a later year's return was silent about ends, for the figures, on
        # the 1 April that silence begins (returns.continuity): not in that year's return.
        if not (e.is_unreturned and e.unreturned_from <= first)
    ]
    # Care leavers: no episode in the year, but an OC3 row in its return (DfE's OC3
    # table is of young people who left care aged 16 or over, whose birthdays fall in it).
    leavers = ReturnRow.objects.filter(year=year, table=ReturnTable.OC3).values_list(
        "child_id", flat=True
    )
    pks = sorted({e.child_id for e in episodes} | set(leavers))
    children: dict[int, Child] = {}
    for i in range(0, len(pks), _CHUNK):
        children.update(Child.objects.in_bulk(pks[i : i + _CHUNK]))
    in_year = {pk: children[pk].child_id for pk in pks}
    kept = _kept_rows(year, in_year)
    tables: dict[str, list[list[str]]] = {
        ReturnTable.HEADER: _header(year, children, kept),
        ReturnTable.EPISODES: [_episode(e, in_year, last) for e in _by_child_id(episodes, in_year)],
        ReturnTable.REVIEWS: _reviews(children, in_year, first, last),
        ReturnTable.PLACED_ADOPTION: _decisions(children, in_year, first, last),
    }
    for table in tables_for_year(year):
        if table.name not in MODELLED:
            tables[table.name] = _kept_table(table.name, year, children, kept)

    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in tables_for_year(year):
        rows = tables[table.name]
        with (directory / table.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.columns)
            writer.writerows(rows)
        counts[table.name] = len(rows)
        say(f"  {table.filename}: {table.name}, {len(rows):,} rows")
    return counts


def _by_child_id(rows, in_year: dict[int, str]):
    return sorted(rows, key=lambda r: in_year[r.child_id])


def _kept_rows(year: int, in_year: dict[int, str]) -> dict[str, dict[int, list[ReturnRow]]]:
    """The rows kept from loaded returns: this year's, and earlier headers for fallbacks."""
    kept: dict[str, dict[int, list[ReturnRow]]] = {}
    pks = sorted(in_year)
    for i in range(0, len(pks), _CHUNK):
        rows = ReturnRow.objects.filter(child_id__in=pks[i : i + _CHUNK]).filter(
            Q(year=year) | Q(year__lt=year, table=ReturnTable.HEADER)
        )
        for row in rows.order_by("year", "position"):
            key = row.table if row.year == year else "earlier headers"
            kept.setdefault(key, {}).setdefault(row.child_id, []).append(row)
    return kept


def _header(year: int, children: dict[int, Child], kept) -> list[list[str]]:
    own = kept.get(ReturnTable.HEADER, {})
    earlier = kept.get("earlier headers", {})
    rows = []
    for child in sorted(children.values(), key=lambda c: c.child_id):
        loaded = own.get(child.pk, [None])[0]
        fallback = (earlier.get(child.pk) or [None])[-1]
        # A year's file says the UPN the child had that year, unless a person corrected it
        # in Oversight: the correction is the right UPN for every year.
        corrected = "upn" in (child.corrected_fields or ())
        upn = loaded.values["UPN"] if loaded and not corrected else child.upn
        source = loaded or fallback
        mother = source.values if source else {}
        rows.append(
            [
                child.child_id,
                sex_for_year(child.sex, year),
                format_date(child.date_of_birth),
                child.ethnicity,
                upn,
                mother.get("MOTHER", ""),
                mother.get("MC_DOB", ""),
            ]
        )
    return rows


def _episode(episode: Episode, in_year: dict[int, str], last) -> list[str]:
    # REASON_PLACE_CHANGE is the ceasing episode's (DfE guidance): an episode still open
    # at the year's end has none in that year's file (DfE rule 233, from 2025-26).
    ended = episode.ended_on is not None and episode.ended_on <= last
    values = {
        "CHILD": in_year[episode.child_id],
        "DECOM": format_date(episode.started_on),
        "DEC": format_date(episode.ended_on) if ended else "",
        "REC": episode.reason_ceased if ended else "",
        "REASON_PLACE_CHANGE": episode.reason_place_change if ended else "",
    }
    for name, column in EPISODE_COLUMNS.items():
        values.setdefault(column, getattr(episode, name))
    return [values[c] for c in BY_NAME[ReturnTable.EPISODES].columns]


def _reviews(children, in_year, first, last) -> list[list[str]]:
    reviews = LookedAfterReview.objects.filter(
        status=Status.HELD, held_on__gte=first, held_on__lte=last
    ).order_by("held_on")
    return [
        [
            in_year[r.child_id],
            format_date(children[r.child_id].date_of_birth),
            format_date(r.held_on),
            r.participation_code,
        ]
        for r in _by_child_id((r for r in reviews if r.child_id in in_year), in_year)
    ]


def _decisions(children, in_year, first, last) -> list[list[str]]:
    """The decisions in force at some time in the year (made by its end, not ended before)."""
    decisions = (
        AdoptionDecision.objects.filter(decided_on__lte=last)
        .filter(Q(ceased_on__isnull=True) | Q(ceased_on__gte=first))
        .order_by("decided_on")
    )
    rows = []
    for d in _by_child_id((d for d in decisions if d.child_id in in_year), in_year):
        ceased = d.ceased_on is not None and d.ceased_on <= last
        rows.append(
            [
                in_year[d.child_id],
                format_date(children[d.child_id].date_of_birth),
                format_date(d.decided_on),
                format_date(d.ceased_on) if ceased else "",
                d.reason_ceased if ceased else "",
            ]
        )
    return rows


def _kept_table(table: str, year: int, children: dict[int, Child], kept) -> list[list[str]]:
    """A table Oversight does not model, as loaded for the year, in the file's order.

    CHILD, DOB and SEX follow the child's record, so they agree with the header.
    """
    rows = sorted(
        (row for rows in kept.get(table, {}).values() for row in rows), key=lambda r: r.position
    )
    out = []
    for row in rows:
        child = children[row.child_id]
        values = dict(row.values)
        values["CHILD"] = child.child_id
        if "DOB" in values:
            values["DOB"] = format_date(child.date_of_birth)
        if "SEX" in values:
            values["SEX"] = sex_for_year(child.sex, year)
        out.append([values.get(c, "") for c in BY_NAME[table].columns])
    return out
