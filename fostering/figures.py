"""The foster carer review figures of the annual IRO report (Report ¶42-43).

Each figure is a selector returning a `Figure` (core.figures): the reviews (or
households) it counts and the filter that picks them. Its docstring is its definition.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from core.figures import Figure, counted_rows, in_year
from fostering.models import FosterCarerHousehold, FosterCarerReview


@counted_rows
def held_carer_reviews() -> QuerySet[FosterCarerReview]:
    return FosterCarerReview.objects.filter(held_on__isnull=False)


@counted_rows
def approved_households() -> QuerySet[FosterCarerHousehold]:
    return FosterCarerHousehold.objects.filter(approval_ended_on__isnull=True)


# A carer review has no child: its drill-down lists the review, not children.
_NO_CHILD = {"child_path": "household__episodes__child"}


def carer_reviews_due_and_held(year: int) -> Figure:
    """Carer reviews due in the year that have been held (on time or not)."""
    return Figure(held_carer_reviews(), in_year("due_on", year), **_NO_CHILD)


def carer_reviews_due_not_held(year: int) -> Figure:
    """Households still approved whose next review fell due in the year and is not held."""
    return Figure(
        approved_households(),
        in_year("next_review_due", year),
        child_path="episodes__child",
    )


def carer_reviews_held(year: int) -> Figure:
    """Carer reviews held in the year."""
    return Figure(held_carer_reviews(), in_year("held_on", year), **_NO_CHILD)


def carer_reviews_in_time(year: int) -> Figure:
    """Carer reviews held in the year on or before their due date: a year after approval,
    then a year after the previous review (FSR 2011 reg 28)."""
    return Figure(
        held_carer_reviews(), in_year("held_on", year) & Q(held_on__lte=F("due_on")), **_NO_CHILD
    )


def carer_reviews_referred_to_panel(year: int) -> Figure:
    """Carer reviews held in the year referred to the fostering panel (every first one)."""
    return Figure(
        held_carer_reviews(), in_year("held_on", year) & Q(referred_to_panel=True), **_NO_CHILD
    )


def first_carer_reviews(year: int) -> Figure:
    """First reviews after approval held in the year."""
    return Figure(held_carer_reviews(), in_year("held_on", year) & Q(is_first=True), **_NO_CHILD)
