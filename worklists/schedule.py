"""Reads for business support's scheduling: what needs a date, who is booked when.

Spans looked-after reviews and child protection conferences, so it lives beside the
deadlines list rather than in either app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.meetings import Meeting, chair_clashes, meetings_between

__all__ = ["BookingNeed", "Meeting", "booking_board", "chair_clashes", "meetings_between"]


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


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))
