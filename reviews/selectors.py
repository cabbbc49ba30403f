"""Reads for the looked-after area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from core.dates import long_date
from core.deadlines import DeadlineSource, OpenDeadline, deadlines_from
from core.decisions import DecisionRow, DecisionStatus, decision_row  # noqa: F401
from core.history import corrections_each
from core.meetings import BookingNeed, BookingSource, Meeting
from core.record import RecordSection
from core.request_memo import once_a_request
from iro.selectors import child_scope, children_held_by
from reviews.models import (
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    ReviewDecision,
    ReviewReschedule,
    ReviewStatus,
)
from reviews.rules import needs_permanence_plan

LAC_REVIEW = "lac_review"
# An overdue decision is the child's looked-after work: it reaches the child's IRO, listed
# as a kind of its own so it is never mistaken for a review that is due.
REVIEW_DECISION = "review_decision"
REVIEW_DECISION_RULE = "lac_review_decision"


def open_periods() -> QuerySet[PeriodOfCare]:
    """Periods of care still open: the one definition of whose review clock runs."""
    return PeriodOfCare.objects.filter(ended_on__isnull=True)


def deadline_sources(
    *, user_id: int | None = None, children: Collection[int] | None = None
) -> list[DeadlineSource]:
    """The area's open deadlines as queries (core.deadlines.DeadlineSource): each open
    period's next looked-after review, and each decision of a held review not yet done
    while the child is looked after.

    `user_id` keeps those of the children that person holds as IRO now; `children`,
    those of these children (iro.selectors.child_scope).
    """
    periods = open_periods()
    decisions = ReviewDecision.objects.filter(
        completed_on__isnull=True,
        review__status=ReviewStatus.HELD,
        review__period__ended_on__isnull=True,
    )
    held = child_scope(user_id=user_id, children=children)
    if held is not None:
        periods = periods.filter(child_id__in=held)
        decisions = decisions.filter(review__child_id__in=held)
    return [
        DeadlineSource(
            LAC_REVIEW,
            periods,
            "next_review_due",
            (
                "child_id",
                "child__child_id",
                "next_review_due",
                "next_review_reason",
                "next_review_rule",
            ),
            lambda pk, child_id, due, reason, rule: OpenDeadline(
                LAC_REVIEW, "Looked-after review", due, reason, pk, child_id, rule=rule
            ),
        ),
        DeadlineSource(
            REVIEW_DECISION,
            decisions,
            "due_on",
            (
                "review__child_id",
                "review__child__child_id",
                "due_on",
                "review__held_on",
                "owner",
                "action",
            ),
            _decision_deadline,
        ),
    ]


def _decision_deadline(pk, child_id, due, held_on, owner, action) -> OpenDeadline:
    return OpenDeadline(
        REVIEW_DECISION,
        "Decision of a looked-after review",
        due,
        f"Decision of the review on {long_date(held_on)}, for {owner}: {_short(action)}"
        if held_on
        else f"Decision of a review, for {owner}: {_short(action)}",
        pk,
        child_id,
        rule=REVIEW_DECISION_RULE,
    )


def open_deadlines(
    *,
    horizon: dt.date | None = None,
    user_id: int | None = None,
    children: Collection[int] | None = None,
) -> list[OpenDeadline]:
    """Each open period's next looked-after review, and each decision of a held review not
    yet done while the child is looked after (two queries, `deadline_sources`)."""
    sources = deadline_sources(user_id=user_id, children=children)
    return deadlines_from(sources, horizon=horizon)


def open_decisions(
    *, horizon: dt.date | None = None, user_id: int | None = None
) -> list[OpenDeadline]:
    """Decisions of held reviews not yet done, of children still looked after, due by
    `horizon` if given (one query); `user_id` keeps those of the children that person
    holds. Whether one is overdue or due is the list's to say, from its own day."""
    return deadline_sources(user_id=user_id)[1].deadlines(horizon=horizon)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


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


def booking_sources() -> list[BookingSource]:
    """Looked-after reviews to book: open periods (short breaks aside) with no review
    booked. The children with a review booked are read once (NOT IN, hashed), not by a
    correlated EXISTS per period: see protection.selectors.booking_sources."""
    booked = LookedAfterReview.objects.filter(status=ReviewStatus.SCHEDULED).values("child_id")
    periods = open_periods().filter(is_short_breaks=False).exclude(child__in=booked)
    return [
        BookingSource(
            LAC_REVIEW, "Looked-after review", periods, "next_review_due", "next_review_reason"
        )
    ]


def booking_needs(*, until: dt.date) -> list[BookingNeed]:
    """Open periods whose next review is due by `until`, or overdue, with no review
    booked (one query)."""
    return [need for source in booking_sources() for need in source.needs(until=until)]


def decision_rows(review: LookedAfterReview, *, as_of: dt.date) -> list[DecisionRow]:
    """A review's decisions, withdrawn ones too, each with its status on `as_of`."""
    decisions = getattr(review, "all_decisions", None)
    if decisions is None:
        decisions = ReviewDecision.all_objects.filter(review=review).select_related("withdrawn_by")
    return [decision_row(d, as_of) for d in decisions]


@dataclass(frozen=True)
class ReviewRow:
    review: LookedAfterReview
    decisions: list[DecisionRow]
    shows_permanence_plan: bool
    corrections: list[Any]


def _corrections(reviews: list[LookedAfterReview]) -> dict[int, list[Any]]:
    """The history entries of each review's corrections (who, when and why), oldest
    first, read for all of them at once: {review pk: entries}."""
    found = corrections_each(reviews)
    for pk, entries in found.items():
        found[pk] = [
            e for e in entries if not e.history_change_reason.startswith(("Moved:", "Cancelled:"))
        ]
    return found


@once_a_request
def child_reviews(child) -> list[LookedAfterReview]:
    """Every review of the child, booked, held and cancelled, newest first, with its chair,
    period, decisions (withdrawn ones too: `all_decisions`), invitations and moves. Read
    once a request: the record's page and its looked-after section both show them."""
    return list(
        child.lac_reviews.select_related("chair__user", "period")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ReviewDecision.all_objects.select_related("withdrawn_by").order_by(
                    "due_on", "pk"
                ),
                to_attr="all_decisions",
            ),
            "invitations",
            Prefetch(
                "moves",
                queryset=ReviewReschedule.objects.select_related("moved_by").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .order_by("-held_on", "-scheduled_for")
    )


def live_decisions(review: LookedAfterReview) -> list[ReviewDecision]:
    """A review's decisions from `child_reviews`, those withdrawn left out."""
    return [d for d in review.all_decisions if d.withdrawn_at is None]  # type: ignore[attr-defined]


@once_a_request
def child_contacts(child) -> list[IROContact]:
    """The IRO's contacts with the child, withdrawn ones too, with who made and withdrew
    each: read once a request (the record's timeline and its section)."""
    return list(
        IROContact.all_objects.filter(child=child)
        .select_related("iro__user", "withdrawn_by")
        # The model's order for one child, without joining the child to sort by name.
        .order_by("-occurred_on", "-pk")
    )


@once_a_request
def child_episodes(child) -> list[Episode]:
    """The child's episodes, newest first, withdrawn ones too: read once a request (the
    record's timeline and its section)."""
    return list(
        Episode.all_objects.filter(child=child)
        .select_related("withdrawn_by")
        .order_by("-started_on", "-pk")
    )


def looked_after_section(*, child, as_of: dt.date) -> RecordSection:
    """The child's reviews on their record: the booking (with its moves and the warnings
    accepted), each held review with its decisions (open, done, overdue), cancelled
    bookings, and the IRO's contacts with any corrections or withdrawals."""
    reviews = child_reviews(child)
    contacts = child_contacts(child)
    looked_after = any(e.withdrawn_at is None and e.ended_on is None for e in child_episodes(child))
    episodes = episode_rows(child=child)
    held = sorted(
        (r for r in reviews if r.status == ReviewStatus.HELD),
        key=lambda r: (r.period_id, r.held_on),
    )
    rows = []
    position: dict[int, int] = {}
    corrected = _corrections(held)
    for review in held:
        before = position.get(review.period_id, 0)
        position[review.period_id] = before + 1
        rows.append(
            ReviewRow(
                review,
                decision_rows(review, as_of=as_of),
                needs_permanence_plan(
                    reviews_held_before=before,
                    # No number: the reviews before the records begin are not on record.
                    period_start_known=review.period.started_on is not None
                    and review.number is not None,
                ),
                corrected[review.pk],
            )
        )
    rows.reverse()
    booked = [r for r in reviews if r.status == ReviewStatus.SCHEDULED]
    return RecordSection(
        "reviews/_looked_after.html",
        {
            "heading": "Looked after",
            "booked": booked,
            "held_rows": rows,
            "cancelled": [r for r in reviews if r.status == ReviewStatus.CANCELLED],
            "contacts": contacts,
            "child": child,
            "looked_after": looked_after,
            "episodes": episodes,
        },
    )


@dataclass(frozen=True)
class EpisodeRow:
    episode: Episode
    corrections: list[Any]  # history entries: who, when and why


def episode_rows(*, child) -> list[EpisodeRow]:
    """The child's episodes, newest first, withdrawn ones too, each with the history of
    its corrections (reviews.services.episode_correct, episode_withdraw)."""
    episodes = child_episodes(child)
    corrections: dict[int, list[Any]] = {}
    entries = (
        Episode.history.filter(id__in=[e.pk for e in episodes])
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .exclude(history_change_reason__startswith="Withdrawn:")
        .select_related("history_user")
        .order_by("history_date")
    )
    for entry in entries:
        corrections.setdefault(entry.id, []).append(entry)
    return [EpisodeRow(e, corrections.get(e.pk, [])) for e in episodes]


def episodes_in_scope(*, user_id: int | None = None) -> QuerySet[Episode]:
    """Episodes on record (withdrawn ones left out), each with its child and period of
    care, oldest first per child; `user_id` keeps those of the children that person holds
    as IRO now. The child and period are joined in, so a page of any length is one query."""
    episodes = Episode.objects.select_related("child", "period")
    if user_id is not None:
        episodes = episodes.filter(child_id__in=children_held_by(user_id=user_id))
    return episodes.order_by("child__child_id", "started_on", "pk")


def lac_reviews_in_scope(*, user_id: int | None = None) -> QuerySet[LookedAfterReview]:
    """Looked-after reviews, booked, held and cancelled, with their child and chair;
    `user_id` keeps those of the children that person holds as IRO now and those they
    chair (a booked review is its chair's to record: reviews.permissions)."""
    reviews = LookedAfterReview.objects.select_related("child", "chair__user")
    if user_id is not None:
        reviews = reviews.filter(
            Q(child_id__in=children_held_by(user_id=user_id)) | Q(chair__user_id=user_id)
        )
    return reviews.order_by("child__child_id", "held_on", "scheduled_for", "pk")
