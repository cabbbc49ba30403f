"""The parts both builders draw from: code tables, random draws, the calendar, spans.

`demo.seed` (the realistic unit, built story by story) and `demo.council` (the bulk
council for the benchmarks) take every invented name from `demo.names` and every code's
share, random draw and working-day step from here, so the two agree on what a child,
a review or a plan looks like. Each table is (value, weight) pairs.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Generic, TypeVar

from core.dates import WorkingCalendar, add_months, add_years

T = TypeVar("T")

# Mostly White British, as in the Report's ¶27 table; the other DfE codes appear too.
ETHNICITY_WEIGHTS = [
    ("WBRI", 860), ("WOTH", 18), ("WIRI", 5), ("WIRT", 4), ("WROM", 7), ("MWBC", 20),
    ("MWBA", 8), ("MWAS", 14), ("MOTH", 9), ("APKN", 10), ("ABAN", 5), ("AIND", 5),
    ("AOTH", 4), ("BAFR", 10), ("BCRB", 5), ("BOTH", 3), ("CHNE", 2), ("OOTH", 5), ("NOBT", 6),
]  # fmt: skip
SIBLING_COUNTS = [(1, 60), (2, 22), (3, 12), (4, 6)]

# Looked after --------------------------------------------------------------------------

# Report ¶31, children aged 4 or over: PN1 ~45%, PN6 ~30%, PN7 ~10%, the rest PN2-PN5.
PARTICIPATION = [
    ("PN1", 45), ("PN2", 2), ("PN3", 3), ("PN4", 3), ("PN5", 7), ("PN6", 30), ("PN7", 10)
]  # fmt: skip
CATEGORY_OF_NEED = [("N1", 62), ("N2", 6), ("N3", 4), ("N4", 8), ("N5", 11), ("N6", 3), ("N8", 6)]
PLACE_CHANGE_REASONS = [
    ("CARPL", 30), ("CREQB", 14), ("CREQO", 10), ("CHILD", 10), ("LAREQ", 10), ("STAND", 5),
    ("ALLEG", 3), ("CLOSE", 3), ("OTHER", 15),
]  # fmt: skip
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
# Reasons a period ends (REC), by how the child came to be looked after.
ENDINGS = {
    "s20": [("E4A", 55), ("E13", 20), ("E4B", 8), ("E3", 5), ("E16", 3), ("E8", 9)],
    "care_order": [
        ("E4A", 20), ("E45", 22), ("E46", 8), ("E47", 14), ("E48", 3), ("E41", 12),
        ("E13", 9), ("E3", 5), ("E8", 3),
    ],
    "leaver": [("E5", 50), ("E6", 12), ("E8", 15), ("E17", 23)],
}  # fmt: skip
SUPPORTED_ACCOMMODATION_FROM = dt.date(2024, 4, 1)  # K3 replaces H5 (RULES.md §5.3)


def ending_for(rec: str, last_place: str) -> str:
    """The REC as drawn, unless it needs a foster carer the child is not with."""
    if rec in {"E45", "E17"} and last_place not in FOSTER:
        return "E46" if rec == "E45" else "E5"
    return rec


def supported_accommodation(day: dt.date) -> str:
    return "K3" if day >= SUPPORTED_ACCOMMODATION_FROM else "H5"


HOMES = {"K1", "K2", "S1"}  # placements with an Ofsted URN


def placement_options(
    age: int, day: dt.date, scenario: str, legal: str
) -> list[tuple[tuple[str, str], int]]:
    """(PLACE, PLACE_PROVIDER) for a child of `age` placed on `day`, with weights."""
    if scenario == "remand":
        return [(("K2", "PR4"), 50), (("U6", "PR4"), 30), (("K1", "PR2"), 20)]
    if age < 10:
        options = [
            (("U6", "PR1"), 36),
            (("U6", "PR4"), 18),
            (("U3", "PR1"), 18),
            (("K2", "PR4"), 2 if age >= 8 else 0),
        ]
        if age < 2:
            options += [(("U5", "PR1"), 5), (("R3", "PR4"), 3)]
    elif age < 16:
        options = [
            (("U6", "PR1"), 30),
            (("U6", "PR4"), 25),
            (("U3", "PR1"), 12),
            (("K2", "PR4"), 18),
            (("K2", "PR1"), 4),
            (("S1", "PR5"), 3),
        ]
    else:
        options = [
            (("U6", "PR1"), 20),
            (("U6", "PR4"), 18),
            ((supported_accommodation(day), "PR4"), 25),
            (("K2", "PR4"), 15),
            (("U3", "PR1"), 10),
        ]
    if legal in {"C1", "C2"} and scenario != "adoption":
        options.append((("P1", "PR0"), 6))
    return options


# Child protection ----------------------------------------------------------------------

# Initial category of abuse (Report ¶47-48, nudged towards England's mix).
CP_CATEGORIES = [("NEG", 60), ("EMO", 25), ("PHY", 8), ("SAB", 5), ("MUL", 2)]

# Disputes ------------------------------------------------------------------------------

DISPUTE_CATEGORIES = [
    ("care_planning", 20),
    ("plan_implementation", 20),
    ("drift", 18),
    ("no_social_worker", 8),
    ("poor_practice", 10),
    ("participation", 6),
    ("review_decisions", 14),
    ("other", 4),
]
ADDRESSEES = {
    1: "Team manager, children in care team",
    2: "Service manager, children in care",
    3: "Head of service, children's social care",
    4: "Assistant director, children's services",
    5: "Director of children's services",
}

# Random draws --------------------------------------------------------------------------


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One value, drawn in proportion to its weight."""
    values = [v for v, _ in options]
    weights = [w for _, w in options]
    return rng.choices(values, weights)[0]


class Table(Generic[T]):
    """A weighted table made ready once, for drawing from many times.

    Draws what `weighted` draws from the same random state (the same cumulative
    weights and one `random()`), without rebuilding the weights each time.
    """

    def __init__(self, options: Sequence[tuple[T, float]]):
        self.values = [v for v, _ in options]
        self.cumulative = list(accumulate(w for _, w in options))
        self.total = self.cumulative[-1] + 0.0

    def draw(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


class Deck(Generic[T]):
    """Draws in the weights' proportions, closely: a shuffled deck, dealt and reshuffled.

    Independent draws of a couple of hundred children wander several points from the
    Report's shares; dealing from a deck keeps every seed's unit the same shape.
    """

    def __init__(self, rng: random.Random, options: Sequence[tuple[T, int]]):
        self.rng = rng
        self.cards = [value for value, count in options for _ in range(count)]
        self.dealt: list[T] = []

    def draw(self) -> T:
        if not self.dealt:
            self.dealt = self.rng.sample(self.cards, len(self.cards))
        return self.dealt.pop()


def between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from first to last inclusive (first if the range is empty)."""
    days = (last - first).days
    return first + dt.timedelta(days=rng.randint(0, days)) if days > 0 else first


# The calendar --------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def months_after(day: dt.date, n: int) -> dt.date:
    """core.dates.add_months, remembered: a bulk build asks for the same days again and again."""
    return add_months(day, n)


@lru_cache(maxsize=65_536)
def years_after(day: dt.date, n: int) -> dt.date:
    """core.dates.add_years, remembered."""
    return add_years(day, n)


def working_on_or_before(calendar: WorkingCalendar, day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_on_or_after(calendar: WorkingCalendar, day: dt.date) -> dt.date:
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


Span = tuple[dt.date, dt.date | None, str]


def spans_merged(spans: list[Span]) -> list[Span]:
    """Join spans that overlap or touch; keep the kind of the first."""
    out: list[Span] = []
    for start, end, kind in sorted(spans, key=lambda s: s[0]):
        if out:
            last_start, last_end, last_kind = out[-1]
            if last_end is None or start <= last_end + dt.timedelta(days=1):
                joined = None if last_end is None or end is None else max(last_end, end)
                out[-1] = (last_start, joined, last_kind)
                continue
        out.append((start, end, kind))
    return out
