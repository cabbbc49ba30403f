"""Reads for the looked-after area."""

from __future__ import annotations

import datetime as dt

from core.meetings import Meeting
from reviews.models import LookedAfterReview, ReviewStatus


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
    ]
