"""Reads for business support's scheduling: what needs a date, who is booked when.

Spans looked-after reviews and child protection conferences, so it lives beside the
deadlines list rather than in either app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

# How long a review or conference is taken to occupy its chair, for clash warnings.
MEETING_LENGTH = dt.timedelta(hours=2)


@dataclass(frozen=True)
class BookingNeed:
    """A review or conference that is due soon and has no date booked."""

    kind: str  # lac_review, icpc or rcpc
    label: str
    child_id: str
    child_name: str
    family_id: int | None
    due: dt.date
    reason: str

    def overdue_on(self, day: dt.date) -> bool:
        return self.due < day


def booking_board(*, as_of: dt.date, weeks: int) -> list[BookingNeed]:
    """Reviews and conferences due within `weeks` (or overdue) with nothing booked, oldest
    first. Three queries, whatever the size of the unit."""
    from protection.models import (
        ChildProtectionPlan,
        ConferenceChild,
        ConferenceKind,
        ConferenceStatus,
        Section47Enquiry,
    )
    from reviews.models import LookedAfterReview, PeriodOfCare, ReviewStatus

    window = as_of + dt.timedelta(weeks=weeks)
    needs: list[BookingNeed] = []

    booked_review = LookedAfterReview.objects.filter(
        child=OuterRef("child"), status=ReviewStatus.SCHEDULED
    )
    periods = (
        PeriodOfCare.objects.filter(
            ended_on__isnull=True, is_short_breaks=False, next_review_due__lte=window
        )
        .exclude(Exists(booked_review))
        .values_list(
            "child__child_id",
            "child__first_name",
            "child__last_name",
            "child__family_id",
            "next_review_due",
            "next_review_reason",
        )
    )
    for cid, first, last, family, due, reason in periods:
        needs.append(
            BookingNeed(
                "lac_review", "Looked-after review", cid, f"{first} {last}", family, due, reason
            )
        )

    booked_conference = ConferenceChild.objects.filter(
        child=OuterRef("child"), conference__status=ConferenceStatus.SCHEDULED
    )
    enquiries = (
        Section47Enquiry.objects.filter(
            concluded_on__isnull=True, icpc_not_required=False, icpc_due__lte=window
        )
        .exclude(Exists(booked_conference.filter(conference__kind=ConferenceKind.INITIAL)))
        .values_list(
            "child__child_id",
            "child__first_name",
            "child__last_name",
            "child__family_id",
            "icpc_due",
            "icpc_due_reason",
        )
    )
    for cid, first, last, family, due, reason in enquiries:
        needs.append(
            BookingNeed("icpc", "Initial conference", cid, f"{first} {last}", family, due, reason)
        )

    plans = (
        ChildProtectionPlan.objects.filter(ended_on__isnull=True, next_review_due__lte=window)
        .exclude(Exists(booked_conference.filter(conference__kind=ConferenceKind.REVIEW)))
        .values_list(
            "child__child_id",
            "child__first_name",
            "child__last_name",
            "child__family_id",
            "next_review_due",
            "next_review_reason",
        )
    )
    for cid, first, last, family, due, reason in plans:
        needs.append(
            BookingNeed("rcpc", "Review conference", cid, f"{first} {last}", family, due, reason)
        )
    return sorted(needs, key=lambda n: (n.due, n.kind, n.child_id))


@dataclass(frozen=True)
class Meeting:
    kind: str  # lac_review or conference
    label: str
    starts_at: dt.datetime
    venue: str
    chair_id: int | None
    chair: str
    children: list[tuple[str, str]] = field(default_factory=list)  # (child ID, name)
    pk: int = 0

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + MEETING_LENGTH


def meetings_between(
    start: dt.datetime, end: dt.datetime, *, chair_id: int | None = None
) -> list[Meeting]:
    """Booked reviews and conferences starting in [start, end), soonest first (2 queries)."""
    from protection.models import (
        ChildProtectionConference,
        ConferenceChild,
        ConferenceStatus,
    )
    from reviews.models import LookedAfterReview, ReviewStatus

    reviews = LookedAfterReview.objects.filter(
        status=ReviewStatus.SCHEDULED, scheduled_for__gte=start, scheduled_for__lt=end
    ).select_related("child", "chair__user")
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
        reviews = reviews.filter(chair_id=chair_id)
        conferences = conferences.filter(chair_id=chair_id)
    meetings = [
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
    meetings += [
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
    return sorted(meetings, key=lambda m: m.starts_at)


def chair_clashes(
    *, chair_id: int, starts_at: dt.datetime, ignore: tuple[str, int] | None = None
) -> list[Meeting]:
    """The chair's other bookings that overlap a meeting starting at `starts_at`."""
    nearby = meetings_between(
        starts_at - MEETING_LENGTH, starts_at + MEETING_LENGTH, chair_id=chair_id
    )
    return [m for m in nearby if ignore is None or (m.kind, m.pk) != ignore]


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
