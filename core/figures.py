"""A figure: a count, and the records behind it, from one definition.

Every figure of the report is a selector returning a `Figure`: the rows it counts and
the filter that picks them. `count_all` counts many figures in one aggregate query per
set of rows they share (so the report and the dashboard run a fixed number of queries
whatever the data), and the dashboard's drill-down lists `records()` or `children()`
of the very same figure, so a count and its list can never disagree.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, Mod
from django.db.models.lookups import Exact

from core.dates import year_end, year_start


@dataclass(frozen=True)
class Figure:
    """The `rows` that `where` picks, counted as records (`of="pk"`) or, distinct, as the
    children (or conferences...) they belong to (`of="child"`). `child_path` leads from a
    row to its child."""

    rows: QuerySet[Any]  # of any model
    where: Q = field(default_factory=Q)
    of: str = "pk"
    child_path: str = "child"

    @property
    def counts_children(self) -> bool:
        return self.of == self.child_path

    def aggregate(self) -> Count:
        return Count(self.of, distinct=self.of != "pk", filter=self.where or None)

    def records(self) -> QuerySet[Any]:
        """The rows counted (for a figure of children, every row of each child)."""
        return self.rows.filter(self.where)

    def children(self) -> QuerySet[Model]:
        """The children behind the figure, each once."""
        child_model: type[Model] = self.rows.model
        for step in self.child_path.split("__"):
            # Every step of child_path is a relation, so it has a related model.
            child_model = cast("type[Model]", child_model._meta.get_field(step).related_model)
        return child_model._default_manager.filter(pk__in=self.records().values(self.child_path))

    def count(self) -> int:
        return count_all({"n": self})["n"]


# The tag `counted_rows` sets on a queryset, which `_rows_key` reads back.
_COUNTED_AS = "counted_as"


def counted_rows(selector: Callable[..., QuerySet[Any]]) -> Callable[..., QuerySet[Any]]:
    """Mark a selector of the rows figures count: figures over the same rows (the same
    selector and arguments) are then counted together without comparing their SQL."""

    @functools.wraps(selector)
    def tagged(*args: object) -> QuerySet[Any]:
        rows = selector(*args)
        setattr(rows, _COUNTED_AS, f"{selector.__module__}.{selector.__qualname__}{args!r}")
        return rows

    return tagged


def _rows_key(rows: QuerySet[Any]) -> tuple[type[Model], str]:
    return (rows.model, getattr(rows, _COUNTED_AS, None) or str(rows.query))


def count_all(figures: Mapping[Hashable, Figure]) -> dict[Hashable, int]:
    """Count every figure: one aggregate query for each set of rows the figures share.

    (Leaving out first the rows no figure picks, with an OR of every filter, was tried:
    it made both SQLite and PostgreSQL slower on ten years of history.)
    """
    groups: dict[tuple[type[Model], str], list[Hashable]] = {}
    for key, figure in figures.items():
        groups.setdefault(_rows_key(figure.rows), []).append(key)
    counts: dict[Hashable, int] = {}
    for keys in groups.values():
        rows = figures[keys[0]].rows
        aliases = {f"f{i}": key for i, key in enumerate(keys)}
        result = rows.aggregate(**{a: figures[k].aggregate() for a, k in aliases.items()})
        counts.update({key: result[a] for a, key in aliases.items()})
    return {key: counts[key] for key in figures}


def in_year(field_name: str, year: int) -> Q:
    """The date in `field_name` falls in the reporting year (1 April to 31 March)."""
    return Q(**{f"{field_name}__range": (year_start(year), year_end(year))})


def open_on(day: dt.date, *, start: str, end: str) -> Q:
    """A snapshot (pinned convention 8): begun on or before the day, not ended on or before it."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def month_ends(first_day: dt.date, months: int) -> list[dt.date]:
    """The last day of each of `months` months, from the month of `first_day`."""
    ends = []
    for offset in range(months):
        year, month = divmod(first_day.month - 1 + offset, 12)
        start = dt.date(first_day.year + year, month + 1, 1)
        ends.append((start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1))
    return ends


# Calendar arithmetic in SQL, the same as core.dates.add_years: a date becomes the
# comparable number yyyymmdd, and an anniversary of 29 February falls on 28 February
# in a common year.


def date_number(expression: Combinable | str) -> CombinedExpression:
    """yyyymmdd of a date expression: ordered as the dates are."""
    return (
        ExtractYear(expression) * 10_000 + ExtractMonth(expression) * 100 + ExtractDay(expression)
    )


def anniversary_number(expression: Combinable | str, years: int) -> CombinedExpression:
    """yyyymmdd of the date `years` calendar years after a date expression."""
    year = ExtractYear(expression) + years
    month_day = ExtractMonth(expression) * 100 + ExtractDay(expression)
    leap = Q(Exact(Mod(year, 4), 0)) & (~Q(Exact(Mod(year, 100), 0)) | Q(Exact(Mod(year, 400), 0)))
    clamped = Case(
        When(Q(Exact(month_day, 229)) & ~leap, then=Value(228)),
        default=month_day,
        output_field=IntegerField(),
    )
    return year * 10_000 + clamped
