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

from django.core.exceptions import FieldDoesNotExist
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

    Each query reads only the rows its figures' dates can reach (`dates_reached`): a
    year's figures read that year's rows through the dates' indexes, not ten years'.
    (Leaving out first the rows no figure picks, with an OR of every filter, was tried:
    it made both SQLite and PostgreSQL slower on ten years of history.)
    """
    groups: dict[tuple[type[Model], str], list[Hashable]] = {}
    for key, figure in figures.items():
        groups.setdefault(_rows_key(figure.rows), []).append(key)
    counts: dict[Hashable, int] = {}
    for keys in groups.values():
        rows = figures[keys[0]].rows
        rows = rows.filter(dates_reached(rows.model, [figures[k].where for k in keys]))
        aliases = {f"f{i}": key for i, key in enumerate(keys)}
        result = rows.aggregate(**{a: figures[k].aggregate() for a, k in aliases.items()})
        counts.update({key: result[a] for a, key in aliases.items()})
    return {key: counts[key] for key in figures}


# Bounding a count by its figures' dates. A figure's filter is an AND of conditions; those
# of the shapes below, on a date reached without crossing a many-valued relation, bound
# the rows it can count. The loosest bound on a date that every figure of a query bounds
# is true of every row any of them counts, so putting it in the WHERE changes no count.
_LOWER = {"gte", "gt"}
_UPPER = {"lte", "lt"}


@dataclass
class _Reach:
    low: dt.date | None = None  # the date is on or after (None: unbounded)
    high: dt.date | None = None  # on or before
    or_null: bool = False  # or the date is empty


def _conditions(where: Q) -> list[object]:
    """The conditions a filter ANDs together (nested ANDs flattened; an OR is one)."""
    if where.negated or where.connector != Q.AND:
        return [where]
    out: list[object] = []
    for child in where.children:
        out.extend(_conditions(child) if isinstance(child, Q) else [child])
    return out


def _single_valued(model: type[Model], path: str) -> bool:
    """Every step of `path` (a__b__field) is a field or a forward many-to-one or one-to-one."""
    try:
        *steps, last = path.split("__")
        for step in steps:
            relation = model._meta.get_field(step)
            if not (relation.many_to_one or relation.one_to_one) or relation.auto_created:
                return False
            model = cast("type[Model]", relation.related_model)
        field = model._meta.get_field(last)
    except FieldDoesNotExist:  # not a plain path: no bound from it
        return False
    return not field.is_relation and field.get_internal_type() == "DateField"


def _reach(model: type[Model], condition: object) -> tuple[str, _Reach] | None:
    """The date a condition bounds and how, or None if it bounds none."""
    if isinstance(condition, Q):
        # (date is empty) OR (date after a day): the end of a snapshot (open_on).
        if condition.negated or condition.connector != Q.OR or len(condition.children) != 2:
            return None
        nulls = [c for c in condition.children if isinstance(c, tuple) and c[1] is True]
        others = [c for c in condition.children if isinstance(c, tuple) and c[1] is not True]
        if len(nulls) != 1 or len(others) != 1 or not nulls[0][0].endswith("__isnull"):
            return None
        found = _reach(model, others[0])
        path = nulls[0][0].removesuffix("__isnull")
        if found is None or found[0] != path or found[1].high is not None:
            return None
        return path, _Reach(low=found[1].low, or_null=True)
    if not isinstance(condition, tuple) or len(condition) != 2:
        return None
    lookup, value = condition
    path, _, kind = str(lookup).rpartition("__")
    if not path or not _single_valued(model, path):
        return None
    if kind == "range" and all(isinstance(v, dt.date) for v in value):
        return path, _Reach(low=value[0], high=value[1])
    if isinstance(value, dt.date) and kind in _LOWER:
        return path, _Reach(low=value)
    if isinstance(value, dt.date) and kind in _UPPER:
        return path, _Reach(high=value)
    return None


def _figure_reach(model: type[Model], where: Q) -> dict[str, _Reach]:
    """The dates one filter bounds, each with the bounds its conditions give it."""
    bounds: dict[str, _Reach] = {}
    for condition in _conditions(where):
        found = _reach(model, condition)
        if found is None:
            continue
        path, reach = found
        seen = bounds.setdefault(path, _Reach(or_null=reach.or_null))
        # Two conditions on one date: both hold, so the tighter of each bound.
        if reach.low is not None:
            seen.low = reach.low if seen.low is None else max(seen.low, reach.low)
        if reach.high is not None:
            seen.high = reach.high if seen.high is None else min(seen.high, reach.high)
        seen.or_null = seen.or_null and reach.or_null
    return bounds


def _loosest(reaches: list[_Reach]) -> _Reach:
    lows = [r.low for r in reaches]
    highs = [r.high for r in reaches]
    return _Reach(
        low=None if None in lows else min(d for d in lows if d is not None),
        high=None if None in highs else max(d for d in highs if d is not None),
        or_null=any(r.or_null for r in reaches),
    )


def _as_q(path: str, reach: _Reach) -> Q:
    bound = Q()
    if reach.low is not None:
        bound &= Q(**{f"{path}__gte": reach.low})
    if reach.high is not None:
        bound &= Q(**{f"{path}__lte": reach.high})
    if bound and reach.or_null:
        bound |= Q(**{f"{path}__isnull": True})
    return bound


def dates_reached(model: type[Model], wheres: list[Q]) -> Q:
    """A WHERE true of every row that any of the filters picks, from the dates they bound.

    Filters that bound the same dates share one condition, each date from the earliest of
    their lower bounds to the latest of their upper ones; the conditions of filters that
    bound different dates are ORed. An empty Q when some filter bounds no date (a figure
    of all time), since then every row may count.
    """
    shapes: dict[tuple[str, ...], list[dict[str, _Reach]]] = {}
    for where in wheres:
        bounds = _figure_reach(model, where)
        if not bounds:
            return Q()
        shapes.setdefault(tuple(sorted(bounds)), []).append(bounds)
    result = Q()
    for paths, each in sorted(shapes.items()):
        both = Q()
        for path in paths:
            both &= _as_q(path, _loosest([bounds[path] for bounds in each]))
        if not both:
            return Q()
        result |= both
    return result


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
