"""Reads for the looked-after area."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from core.deadlines import OpenDeadline, due_window
from core.meetings import BookingNeed, Meeting
from reviews.models import LookedAfterReview, PeriodOfCare, ReviewStatus

LAC_REVIEW = "lac_review"


def open_periods() -> QuerySet[PeriodOfCare]:
    """Periods of care still open: the one definition of whose review clock runs."""
    return PeriodOfCare.objects.filter(ended_on__isnull=True)


def open_deadlines(*, horizon: dt.date | None = None) -> list[OpenDeadline]:
    """Each open period's next looked-after review (one query)."""
    rows = open_periods().filter(**due_window("next_review_due", horizon))
    return [
        OpenDeadline(LAC_REVIEW, "Looked-after review", due, reason, pk, child_id, rule=rule)
        for pk, child_id, due, reason, rule in rows.order_by().values_list(
            "child_id",
            "child__child_id",
            "next_review_due",
            "next_review_reason",
            "next_review_rule",
        )
        if due is not None
    ]


def booked_reviews_between(
    start: dt.datetime, end: dt.datetime, *, chair_id: int | None = None
) -> list[Meeting]:
    """Booked looked-after reviews starting in [start, end) (one query)."""
    reviews = LookedAfterReview.objects.filter(
        status=ReviewStatus.SCHEDULED, scheduled_for__gte=start, scheduled_for__lt=end
    ).select_related("child", "chair__user")
    if chair_id is not None:
        reviews = reviews.filter(chair_id=chair_id)
    return [
        Meeting(
            "lac_review",
            "Looked-after review",
            r.scheduled_for,
            r.venue,
            r.chair_id,
            str(r.chair) if r.chair else "",
            [(r.child.child_id, r.child.full_name)],
            r.pk,
        )
        for r in reviews
        if r.scheduled_for is not None
    ]


def booking_needs(*, until: dt.date) -> list[BookingNeed]:
    """Open periods (short breaks aside) whose next review is due by `until`, or overdue,
    with no review booked (one query)."""
    booked = LookedAfterReview.objects.filter(
        child=OuterRef("child"), status=ReviewStatus.SCHEDULED
    )
    rows = (
        open_periods()
        .filter(is_short_breaks=False, next_review_due__lte=until)
        .exclude(Exists(booked))
        .values_list(
            "child__child_id",
            "child__first_name",
            "child__last_name",
            "child__family_id",
            "next_review_due",
            "next_review_reason",
        )
    )
    return [
        BookingNeed(LAC_REVIEW, "Looked-after review", cid, f"{first} {last}", family, due, reason)
        for cid, first, last, family, due, reason in rows
        if due is not None
    ]
