"""A synthetic SSDA903 return of any size, for benchmarks: invented children, no real people.

Each child is looked after at some time in the year: one period of care of one to four
episodes (placement moves continue it with REC X1), some ending in the year, with the
reviews held in the year on or about their due dates, PN0 under four.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from core.codes import Ethnicity
from core.dates import (
    add_months,
    add_working_days,
    add_years,
    default_calendar,
    year_end,
    year_start,
)
from core.timescales import default_timescales
from returns.models import ReturnTable
from returns.ssda903.tables import TABLES, format_date, sex_for_year

_LEGAL = ["C2"] * 6 + ["C1"] * 3 + ["V2"] * 2 + ["E1"]
_PLACES = ["U6"] * 6 + ["U3", "U4", "U1", "K2", "K2", "P1"]
_LEAVING = ["E4A", "E4A", "E8", "E5", "E13", "E41", "E17"]
_MOVES = ["CARPL", "CREQB", "CHILD", "LAREQ", "STAND", "OTHER"]


def synthetic_return_write(*, directory: Path, year: int, children: int, seed: int = 1):
    """Write every table of a valid return for `year` into `directory`; rows per table."""
    rng = random.Random(seed)
    calendar, timescales = default_calendar(), default_timescales()
    first, last = year_start(year), year_end(year)
    tables: dict[str, list[list[str]]] = {t.name: [] for t in TABLES}
    ethnicities = [e for e in Ethnicity.values if e not in {"REFU", "NOBT"}]
    for n in range(1, children + 1):
        child_id = f"S{n:07d}"
        born = first - dt.timedelta(days=rng.randint(200, 17 * 365))
        sex = rng.choice("MF")
        tables[ReturnTable.HEADER].append(
            [
                child_id,
                sex_for_year(sex, year),
                format_date(born),
                rng.choice(ethnicities),
                f"A{seed % 10}{n:011d}",
                "0" if sex == "F" and add_years(born, 12) <= first else "",
                "",
            ]
        )
        entered = max(
            born + dt.timedelta(days=1), first - dt.timedelta(days=rng.randint(-300, 2500))
        )
        entered = min(entered, last - dt.timedelta(days=30))
        leaves = rng.random() < 0.25
        end = entered + dt.timedelta(days=rng.randint(60, 2000)) if leaves else None
        if end is not None and (end < first or end > last):
            end = None
        starts = _episode_starts(rng, entered, end or last)
        category = rng.choice(["N1"] * 6 + ["N2", "N4", "N5", "N8"])
        legal = rng.choice(_LEGAL)
        for i, start in enumerate(starts):
            stop = starts[i + 1] if i + 1 < len(starts) else end
            if stop is not None and stop < first:
                continue
            reason = "" if stop is None else ("X1" if i + 1 < len(starts) else rng.choice(_LEAVING))
            tables[ReturnTable.EPISODES].append(
                [
                    child_id,
                    format_date(start),
                    "S" if i == 0 else "P",
                    legal,
                    category,
                    rng.choice(_PLACES),
                    f"PR{rng.choice('1114')}",
                    format_date(stop),
                    reason,
                    rng.choice(_MOVES) if reason == "X1" else "",
                    "TW2 7PF",
                    "SW17 8DU",
                    "XXXXXXX",
                ]
            )
        for held in _reviews_held(rng, entered, end, first, last, calendar, timescales):
            code = "PN0" if held < add_years(born, 4) else f"PN{rng.choice('1111666725')}"
            tables[ReturnTable.REVIEWS].append(
                [child_id, format_date(born), format_date(held), code]
            )
        if entered <= first - dt.timedelta(days=365) and rng.random() < 0.6:
            score = str(rng.randint(0, 30))
            tables[ReturnTable.OC2].append(
                [child_id, format_date(born), score, "", "0", "", "1", "1", "1", "0", "", ""]
            )

    directory.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        if table.since > year:
            continue
        with (directory / table.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.columns)
            writer.writerows(tables[table.name])
    return {name: len(rows) for name, rows in tables.items()}


def _episode_starts(rng: random.Random, entered: dt.date, until: dt.date) -> list[dt.date]:
    starts = [entered]
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        gap = (until - starts[-1]).days
        if gap < 30:
            break
        starts.append(starts[-1] + dt.timedelta(days=rng.randint(14, gap - 1)))
    return starts


def _reviews_held(rng, entered, end, first, last, calendar, timescales) -> list[dt.date]:
    """Reviews on or about each due date, from entry to the end of care or the year."""
    held: list[dt.date] = []
    stop = min(end or last, last)
    due = add_working_days(entered, timescales.lac_first_review_working_days, calendar)
    while True:
        day = due - dt.timedelta(days=rng.choice([0, 1, 3, 7, 14, -2]))
        day = max(day, (held[-1] if held else entered) + dt.timedelta(days=1))
        if day > stop:
            break
        held.append(day)
        months = (
            timescales.lac_second_review_months
            if len(held) == 1
            else timescales.lac_later_review_months
        )
        due = add_months(day, months)
    return [day for day in held if day >= first]
