"""Reads for the child protection area."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from core.meetings import Meeting
from protection.models import ChildProtectionConference, ConferenceChild, ConferenceStatus


def booked_conferences_between(
    start: dt.datetime, end: dt.datetime, *, chair_id: int | None = None
) -> list[Meeting]:
    """Booked conferences starting in [start, end) (two queries)."""
    conferences = (
        ChildProtectionConference.objects.filter(
            status=ConferenceStatus.SCHEDULED, scheduled_for__gte=start, scheduled_for__lt=end
        )
        .select_related("chair__user")
        .prefetch_related(
            Prefetch("covered", queryset=ConferenceChild.objects.select_related("child"))
        )
    )
    if chair_id is not None:
        conferences = conferences.filter(chair_id=chair_id)
    return [
        Meeting(
            "conference",
            f"{c.get_kind_display()} conference",
            c.scheduled_for,
            c.venue,
            c.chair_id,
            str(c.chair) if c.chair else "",
            [(e.child.child_id, e.child.full_name) for e in c.covered.all()],
            c.pk,
        )
        for c in conferences
    ]
