"""The challenge (dispute resolution) figures of the annual IRO report (Report ¶38-41).

Each figure is a selector returning a `Figure` (core.figures): the challenges it
counts and the filter that picks them. Its docstring is its definition.
"""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from core.dates import default_calendar, working_days_between, year_end, year_start
from core.figures import Figure, counted_rows, in_year
from disputes.models import Dispute, DisputeLevel, DisputeStage, DisputeStatus


@counted_rows
def disputes() -> QuerySet[Dispute]:
    return Dispute.objects.all()


def _went_formal() -> Q:
    return Q(Exists(DisputeStage.objects.filter(dispute=OuterRef("pk"))))


@counted_rows
def raised_in(year: int) -> QuerySet[Dispute]:
    return Dispute.objects.filter(in_year("raised_on", year))


def raised(year: int, *, category: str = "") -> Figure:
    """Challenges raised in the year (of a category, if given)."""
    return Figure(raised_in(year), Q(category=category) if category else Q())


def raised_and_went_formal(year: int) -> Figure:
    """Challenges raised in the year that were put to at least one formal stage."""
    return Figure(raised_in(year), _went_formal())


def raised_and_stayed_informal(year: int) -> Figure:
    """Challenges raised in the year never put to a formal stage (so far)."""
    return Figure(raised_in(year), ~_went_formal())


def resolved(year: int) -> Figure:
    """Challenges resolved in the year (withdrawn ones are not resolved)."""
    return Figure(disputes(), in_year("resolved_on", year) & Q(status=DisputeStatus.RESOLVED))


def resolved_at(year: int, level: DisputeLevel | None) -> Figure:
    """Challenges resolved in the year at a level of the ladder (None: informally) (¶40)."""
    base = resolved(year)
    return Figure(base.rows, base.where & Q(resolved_at_level=level))


def formal_resolved_within_20_working_days(year: int) -> Figure:
    """Formal challenges resolved in the year within 20 working days of their first formal
    stage (IRO Handbook 6.2), the stored `formal_due_on`."""
    base = resolved(year)
    return Figure(
        base.rows,
        base.where & Q(formal_due_on__isnull=False, resolved_on__lte=F("formal_due_on")),
    )


def cafcass_referrals(year: int) -> Figure:
    """Challenges referred to Cafcass in the year (CPPCR reg 45)."""
    return Figure(disputes(), in_year("cafcass_referred_on", year))


@counted_rows
def open_on(day: dt.date) -> QuerySet[Dispute]:
    """Challenges raised on or before the day and not resolved or withdrawn by then."""
    return Dispute.objects.filter(
        Q(raised_on__lte=day) & (Q(resolved_on__isnull=True) | Q(resolved_on__gt=day))
    )


def open_at_stage(day: dt.date, level: DisputeLevel | None) -> Figure:
    """Challenges open on a day whose highest stage started by then is `level` (None: still
    informal): where each open challenge had got to."""
    started = DisputeStage.objects.filter(dispute=OuterRef("pk"), started_on__lte=day)
    if level is None:
        where = ~Q(Exists(started))
    else:
        where = Q(Exists(started.filter(level=level))) & ~Q(
            Exists(started.filter(level__rank__gt=level.rank))
        )
    return Figure(open_on(day), where)


def working_days_to_resolve(year: int) -> list[int]:
    """Working days from raising to resolution of each challenge resolved in the year.

    Working days are a calendar rule (bank holidays), not SQL: one row per challenge
    resolved in the year is read, a few dozen a year.
    """
    calendar = default_calendar()
    rows = Dispute.objects.filter(
        status=DisputeStatus.RESOLVED, resolved_on__range=(year_start(year), year_end(year))
    ).values_list("raised_on", "resolved_on")
    return sorted(working_days_between(a, b, calendar) for a, b in rows)


def median_working_days(durations: list[int]) -> float | None:
    return statistics.median(durations) if durations else None
