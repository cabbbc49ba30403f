"""The looked-after figures of the annual IRO report (RULES.md §7, indicators 1-7).

Each figure is a selector returning a `Figure` (core.figures): the records it
counts and the filter that picks them, so the report's count and the dashboard's list
of the children behind it come from one definition. Its docstring is its definition.
Short-break periods (V3/V4 only) are never counted as looked after.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet

from core.codes import ParticipationCode
from core.dates import add_years, year_end, year_start
from core.figures import Figure, count_all, counted_rows, in_year, month_ends, open_on
from reviews.models import (
    IROContact,
    LookedAfterReview,
    MissingEpisode,
    MissingKind,
    PeriodOfCare,
    ReviewStatus,
    UascStatus,
)
from reviews.rules import PERMANENCE_PLAN_REVIEW_NUMBER

# Age in completed years on the day (pinned convention 9): (key, from, up to but not).
LAC_AGE_BANDS = [
    ("under_1", 0, 1),
    ("1_to_4", 1, 5),
    ("5_to_9", 5, 10),
    ("10_to_15", 10, 16),
    ("16_to_17", 16, None),
]
# DfE ethnic groups (pinned convention 10).
ETHNIC_GROUPS = {
    "white": ("startswith", "W"),
    "mixed": ("startswith", "M"),
    "asian": ("startswith", "A"),
    "black": ("startswith", "B"),
    "other": ("in", ["CHNE", "OOTH"]),
    "not_recorded": ("in", ["REFU", "NOBT"]),
}
# A review is in time if held on or before its due date (pinned convention 12). A review
# whose due date is not known (the earliest on record of a period whose earlier reviews
# are not on record: its start is not, or it fell due before the records begin,
# convention 4) is left out of the timeliness figures, neither in time nor late.
DUE_DATE_NOT_KNOWN = Q(due_on__isnull=True)
REVIEW_IN_TIME = Q(due_on__isnull=False) & Q(held_on__lte=F("due_on"))
REVIEW_LATE = Q(due_on__isnull=False) & Q(held_on__gt=F("due_on"))


def age_band(day: dt.date, low: int, high: int | None, *, path: str = "") -> Q:
    """Aged at least `low` and under `high` in completed years on the day."""
    where = Q(**{f"{path}date_of_birth__lte": add_years(day, -low)})
    if high is not None:
        where &= Q(**{f"{path}date_of_birth__gt": add_years(day, -high)})
    return where


def ethnic_group(group: str, *, path: str = "") -> Q:
    """The ethnicity code is in a DfE ethnic group."""
    lookup, value = ETHNIC_GROUPS[group]
    return Q(**{f"{path}ethnicity__{lookup}": value})


@counted_rows
def periods_of_care() -> QuerySet[PeriodOfCare]:
    """Periods of care counted as looked after: short breaks left out."""
    return PeriodOfCare.objects.filter(is_short_breaks=False)


@counted_rows
def held_reviews() -> QuerySet[LookedAfterReview]:
    """Looked-after reviews held, short-break reviews left out."""
    return LookedAfterReview.objects.filter(status=ReviewStatus.HELD, period__is_short_breaks=False)


@counted_rows
def iro_contact_rows() -> QuerySet[IROContact]:
    return IROContact.objects.all()


@counted_rows
def short_break_periods() -> QuerySet[PeriodOfCare]:
    """Periods of short breaks only (V3/V4, pinned convention 4): never looked after."""
    return PeriodOfCare.objects.filter(is_short_breaks=True)


def short_break_children(year: int) -> Figure:
    """Children having short breaks (a V3/V4-only period) at any time in the year: begun
    on or before 31 March and not ended before 1 April."""
    where = Q(first_recorded_on__lte=year_end(year)) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=year_start(year))
    )
    return Figure(short_break_periods(), where, of="child")


def looked_after(day: dt.date) -> Figure:
    """Children looked after on a day (indicator 1 at 31 March), short breaks excluded."""
    return Figure(
        periods_of_care(), open_on(day, start="first_recorded_on", end="ended_on"), of="child"
    )


def uasc_looked_after(day: dt.date) -> Figure:
    """Children looked after on a day who were unaccompanied asylum-seeking children on
    it: their UASC status began on or before the day (or its start is not on record) and
    had not ceased on or before it (DUC, conventions 8 and 13)."""
    base = looked_after(day)
    uasc_on_the_day = UascStatus.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=day),
        Q(ceased_on__isnull=True) | Q(ceased_on__gt=day),
    )
    return Figure(base.rows, base.where & Q(child__in=uasc_on_the_day.values("child")), of="child")


def looked_after_in_age_band(day: dt.date, band: str) -> Figure:
    """Children looked after on a day aged in a band: under 1, 1-4, 5-9, 10-15, 16-17."""
    low, high = next((low, high) for key, low, high in LAC_AGE_BANDS if key == band)
    base = looked_after(day)
    return Figure(base.rows, base.where & age_band(day, low, high, path="child__"), of="child")


def looked_after_in_ethnic_group(day: dt.date, group: str) -> Figure:
    """Children looked after on a day in a DfE ethnic group (pinned convention 10)."""
    base = looked_after(day)
    return Figure(base.rows, base.where & ethnic_group(group, path="child__"), of="child")


def looked_after_by_month(first_day: dt.date, months: int) -> list[tuple[dt.date, int]]:
    """Children looked after at the end of each month, in one query."""
    ends = month_ends(first_day, months)
    counts = count_all({end: looked_after(end) for end in ends})
    return [(end, counts[end]) for end in ends]


def periods_started(year: int) -> Figure:
    """Periods of care that began in the year (1 April to 31 March)."""
    return Figure(periods_of_care(), in_year("started_on", year))


def periods_ceased(year: int) -> Figure:
    """Periods of care that ended in the year."""
    return Figure(periods_of_care(), in_year("ended_on", year))


def reviews_held(year: int) -> Figure:
    """Looked-after reviews held in the year (the denominator of indicators 5 and 6)."""
    return Figure(held_reviews(), in_year("held_on", year))


def reviews_in_time(year: int) -> Figure:
    """Reviews held in the year on or before their due date (indicator 5)."""
    return Figure(held_reviews(), in_year("held_on", year) & REVIEW_IN_TIME)


def reviews_late(year: int) -> Figure:
    """Reviews held in the year after their due date."""
    return Figure(held_reviews(), in_year("held_on", year) & REVIEW_LATE)


def reviews_due_date_not_known(year: int) -> Figure:
    """Reviews held in the year whose due date is not known, because the reviews before
    them are not on record (convention 4): left out of the timeliness figures."""
    return Figure(held_reviews(), in_year("held_on", year) & DUE_DATE_NOT_KNOWN)


def children_reviewed(year: int) -> Figure:
    """Children with at least one review held in the year (the child-based indicator 5)."""
    return Figure(held_reviews(), in_year("held_on", year), of="child")


def children_with_a_late_review(year: int) -> Figure:
    """Children with a review held late in the year: every other child reviewed in the
    year had all their reviews in time."""
    return Figure(held_reviews(), in_year("held_on", year) & REVIEW_LATE, of="child")


def reviews_with_participation(year: int, code: str) -> Figure:
    """Reviews held in the year with a participation code, PN0 to PN7 (indicator 6)."""
    if code not in ParticipationCode.values:
        raise ValueError(f"{code} is not a participation code")
    return Figure(held_reviews(), in_year("held_on", year) & Q(participation_code=code))


def second_reviews(year: int) -> Figure:
    """Second reviews of a period of care held in the year (indicator 7's denominator).

    Only periods whose start is on record: otherwise which review is the second is unknown.
    """
    return Figure(
        held_reviews(),
        in_year("held_on", year)
        & Q(number=PERMANENCE_PLAN_REVIEW_NUMBER, period__started_on__isnull=False),
    )


def second_reviews_with_permanence_plan(year: int) -> Figure:
    """Second reviews held in the year that recorded a permanence plan (indicator 7)."""
    base = second_reviews(year)
    return Figure(base.rows, base.where & ~Q(permanence_plan=""))


def iro_contacts(year: int, *, kind: str = "", seen_alone: bool = False) -> Figure:
    """IRO visits and other contacts with children between reviews in the year (¶35)."""
    where = in_year("occurred_on", year)
    if kind:
        where &= Q(kind=kind)
    if seen_alone:
        where &= Q(seen_alone=True)
    return Figure(iro_contact_rows(), where)


def children_contacted(year: int) -> Figure:
    """Children the IRO visited or contacted between reviews in the year."""
    return Figure(iro_contact_rows(), in_year("occurred_on", year), of="child")


@counted_rows
def missing_episode_rows() -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.all()


def missing_episodes_started(year: int, kind: str) -> Figure:
    """Episodes of a child missing (M) or away from placement without authorisation (A)
    begun in the year: each counts in the year its start falls in, even when it ends in
    the next (convention 13)."""
    if kind not in MissingKind.values:
        raise ValueError(f"{kind} is not M (missing) or A (away)")
    return Figure(missing_episode_rows(), in_year("started_on", year) & Q(kind=kind))


def children_missing_or_away(year: int) -> Figure:
    """Children with an episode of being missing or away from placement begun in the year."""
    return Figure(missing_episode_rows(), in_year("started_on", year), of="child")
