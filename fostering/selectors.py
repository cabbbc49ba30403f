from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from core.deadlines import DeadlineSource, OpenDeadline, deadlines_from
from fostering.models import FosterCarerHousehold, FosterCarerReview
from iro.models import Child


def children_placed(*, household: FosterCarerHousehold, on: dt.date):
    """Children with an episode in this household on a date."""
    return Child.objects.filter(
        Q(episodes__ended_on__isnull=True) | Q(episodes__ended_on__gt=on),
        episodes__foster_household=household,
        episodes__started_on__lte=on,
    ).distinct()


def reviewing_officer_conflicts(*, household: FosterCarerHousehold, officer, on: dt.date):
    """Children placed with the household whose IRO is the proposed reviewing officer.

    The unit keeps carer reviews apart from the IROs of children placed there (Report ¶15).
    """
    if officer is None:
        return Child.objects.none()
    return (
        children_placed(household=household, on=on)
        .filter(
            Q(allocations__ended_on__isnull=True) | Q(allocations__ended_on__gt=on),
            allocations__iro__user=officer,
            allocations__started_on__lte=on,
        )
        .distinct()
    )


FOSTER_CARER_REVIEW = "foster_carer_review"


def approved_households() -> QuerySet[FosterCarerHousehold]:
    """Households whose approval has not ended: their yearly review clock runs."""
    return FosterCarerHousehold.objects.filter(approval_ended_on__isnull=True)


def deadline_sources(*, user_id: int | None = None) -> list[DeadlineSource]:
    """Each approved household's next review, answered by its reviewing officer, as a
    query (core.deadlines.DeadlineSource); `user_id`: only that officer's."""
    rows = approved_households()
    if user_id is not None:
        rows = rows.filter(reviewing_officer_id=user_id)
    return [
        DeadlineSource(
            FOSTER_CARER_REVIEW,
            rows,
            "next_review_due",
            (
                "reference",
                "next_review_due",
                "next_review_reason",
                "next_review_rule",
                "reviewing_officer_id",
                "reviewing_officer__first_name",
                "reviewing_officer__last_name",
                "reviewing_officer__username",
            ),
            _review_deadline,
        )
    ]


def _review_deadline(ref, due, reason, rule, officer, first, last, username) -> OpenDeadline:
    return OpenDeadline(
        FOSTER_CARER_REVIEW,
        "Foster carer review",
        due,
        reason,
        carer=ref,
        officer_user_id=officer,
        officer=f"{first or ''} {last or ''}".strip() or (username or ""),
        rule=rule,
    )


def open_deadlines(
    *, horizon: dt.date | None = None, user_id: int | None = None
) -> list[OpenDeadline]:
    """Each approved household's next review, answered by its reviewing officer
    (`user_id`: only that officer's)."""
    return deadlines_from(deadline_sources(user_id=user_id), horizon=horizon)


def is_first_review(*, household: FosterCarerHousehold, held_on: dt.date | None = None) -> bool:
    """Whether a review (held on `held_on`, or the next one) is the household's first
    since approval: the one that must go to the fostering panel (FSR 2011 reg 28)."""
    held = household.reviews.filter(held_on__isnull=False)
    if held_on is not None:
        held = held.filter(held_on__lt=held_on)
    return not held.exists()


def household_by_reference(reference: str) -> FosterCarerHousehold | None:
    """The household with this reference, whatever its letter case."""
    return FosterCarerHousehold.objects.filter(reference__iexact=reference.strip()).first()


def household_formerly(reference: str) -> FosterCarerHousehold | None:
    """The household that had this reference before it was corrected, if no household has
    it now (an old bookmark, a reference in an email): its history knows."""
    if FosterCarerHousehold.objects.filter(reference=reference).exists():
        return None
    last = (
        FosterCarerHousehold.history.filter(reference=reference)
        .order_by("-history_date", "-history_id")
        .values_list("id", flat=True)
        .first()
    )
    return FosterCarerHousehold.objects.filter(pk=last).first() if last is not None else None


def withdrawn_reviews(*, household: FosterCarerHousehold):
    """Reviews withdrawn with a reason: kept and shown, never counted."""
    return (
        FosterCarerReview.all_objects.filter(household=household, withdrawn_at__isnull=False)
        .select_related("withdrawn_by")
        .order_by("-withdrawn_at")
    )


def households_with_reviews() -> QuerySet[FosterCarerHousehold]:
    """Every household, approved or not, with its reviewing officer and its reviews held
    (withdrawn ones left out), oldest first (two queries a page). Every role reads every
    household, as the carers' pages show them (fostering.permissions)."""
    held = (
        FosterCarerReview.objects.filter(held_on__isnull=False)
        .select_related("reviewing_officer")
        .order_by("held_on", "pk")
    )
    return (
        FosterCarerHousehold.objects.select_related("reviewing_officer")
        .prefetch_related(Prefetch("reviews", queryset=held, to_attr="held_reviews"))
        .order_by("reference", "pk")
    )
