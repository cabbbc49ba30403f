"""Writes for the looked-after area. Each keeps the stored due dates true."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from core.codes import (
    CategoryOfNeed,
    LegalStatus,
    ParticipationCode,
    PermanencePlan,
    Placement,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from core.dates import WorkingCalendar, add_years, default_calendar, long_date
from core.services import FieldErrors, not_in_future, transition
from core.timescales import Timescales, default_timescales
from iro.models import Child, IndependentReviewingOfficer

from .models import (
    AdoptionPlacement,
    ContactKind,
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    PlacementOrder,
    ReviewDecision,
    ReviewStatus,
)
from .rules import (
    CareHistory,
    EpisodeFacts,
    LacSchedule,
    adoption_facts,
    lac_schedule,
    periods_from_episodes,
)


def _facts(episode: Episode) -> EpisodeFacts:
    return EpisodeFacts(
        started_on=episode.started_on,
        ended_on=episode.ended_on,
        reason_new_episode=episode.reason_new_episode,
        reason_ceased=episode.reason_ceased,
        legal_status=episode.legal_status,
        placement=episode.placement,
    )


def _within(day: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return start <= day and (end is None or day <= end)


def period_schedule_refresh(
    *,
    period: PeriodOfCare,
    calendar: WorkingCalendar | None = None,
    timescales: Timescales | None = None,
) -> LacSchedule:
    """Recompute a period's next review due, and the due date each held review answered."""
    calendar = calendar or default_calendar()
    timescales = timescales or default_timescales()
    child = period.child
    if period.is_short_breaks:
        # A series of short breaks is reviewed as one: 3 months from the first break.
        series = list(child.periods_of_care.filter(is_short_breaks=True))
        started_on = min(p.first_recorded_on for p in series)
        reviews = list(
            LookedAfterReview.objects.filter(period__in=series, status=ReviewStatus.HELD).order_by(
                "held_on"
            )
        )
        episodes: list[Episode] = []
    else:
        started_on = period.started_on
        reviews = list(period.reviews.filter(status=ReviewStatus.HELD).order_by("held_on"))
        episodes = list(period.episodes.order_by("started_on"))

    authority, placements = adoption_facts([_facts(e) for e in episodes])
    end = period.ended_on
    for order in PlacementOrder.objects.filter(child=child):
        if _within(order.granted_on, period.first_recorded_on, end):
            authority.append(order.granted_on)
    known = {start for start, _ in placements}
    for placed in AdoptionPlacement.objects.filter(child=child):
        if placed.placed_on not in known and _within(
            placed.placed_on, period.first_recorded_on, end
        ):
            placements.append((placed.placed_on, placed.ceased_on))

    schedule = lac_schedule(
        CareHistory(
            started_on=started_on,
            held_reviews=[r.held_on for r in reviews],
            authority_to_place=sorted(set(authority)),
            adoption_placements=sorted(placements),
            short_breaks=period.is_short_breaks,
            ended_on=period.ended_on,
        ),
        calendar=calendar,
        timescales=timescales,
    )
    for review, held in zip(reviews, schedule.held, strict=True):
        review.number = held.number
        review.due_on = held.due.on if held.due else None
        review.due_reason = held.due.reason if held.due else ""
    LookedAfterReview.objects.bulk_update(reviews, ["number", "due_on", "due_reason"])
    period.next_review_due = schedule.next_due.on if schedule.next_due else None
    period.next_review_reason = schedule.next_due.reason if schedule.next_due else ""
    PeriodOfCare.objects.filter(pk=period.pk).update(
        next_review_due=period.next_review_due, next_review_reason=period.next_review_reason
    )
    return schedule


@transaction.atomic
def child_periods_rebuild(*, child: Child) -> list[PeriodOfCare]:
    """Regroup a child's episodes into periods of care, re-home reviews, refresh schedules.

    Raises ValidationError (nothing saved) if a review falls outside every period.
    """
    episodes = list(child.episodes.order_by("started_on"))
    facts = periods_from_episodes([_facts(e) for e in episodes])
    existing = {p.first_recorded_on: p for p in child.periods_of_care.all()}
    periods: list[PeriodOfCare] = []
    for fact in facts:
        period = existing.pop(fact.first_recorded_on, None) or PeriodOfCare(
            child=child, first_recorded_on=fact.first_recorded_on
        )
        period.started_on = fact.started_on
        period.ended_on = fact.ended_on
        period.is_short_breaks = fact.is_short_breaks
        period.save()
        periods.append(period)
        for i in fact.episodes:
            if episodes[i].period_id != period.pk:
                episodes[i].period = period
                episodes[i].save(update_fields=["period"])

    errors = FieldErrors()
    reviews = list(child.lac_reviews.exclude(status=ReviewStatus.CANCELLED))
    for review in reviews:
        day = review.held_on or (review.scheduled_for and review.scheduled_for.date())
        home = _period_on(periods, day) if day else None
        if home is None and review.status == ReviewStatus.SCHEDULED:
            home = next((p for p in periods if p.is_open), None)
        if home is None:
            errors.add(
                "held_on",
                f"The review on {long_date(day)} for {child.child_id} is not within "
                "a period of care",
            )
            continue
        if review.period_id != home.pk:
            review.period = home
            review.save(update_fields=["period"])
    errors.raise_if_any()
    for stale in existing.values():
        stale.reviews.filter(status=ReviewStatus.CANCELLED).delete()
        stale.delete()
    for period in periods:
        period_schedule_refresh(period=period)
    return periods


def _period_on(periods: Sequence[PeriodOfCare], day: dt.date) -> PeriodOfCare | None:
    for period in periods:
        if _within(day, period.first_recorded_on, period.ended_on):
            return period
    return None


def participation_code_problem(
    code: str, *, date_of_birth: dt.date | None, held_on: dt.date
) -> str | None:
    """PN0 is for a child under 4 at the review; PN1-PN7 for one aged 4 or over.

    On the fourth birthday itself either is accepted (DfE rules 440/441).
    """
    if code not in ParticipationCode.values:
        return f"'{code}' is not a participation code (PN0 to PN7)"
    if date_of_birth is None:
        return None
    fourth_birthday = add_years(date_of_birth, 4)
    if code == ParticipationCode.PN0 and held_on > fourth_birthday:
        return "PN0 is only for a child under 4 at the time of the review"
    if code != ParticipationCode.PN0 and held_on < fourth_birthday:
        return f"The child was under 4 at the review, so the participation code is PN0, not {code}"
    return None


def participation_codes_for_age(*, date_of_birth: dt.date | None, held_on: dt.date) -> list[str]:
    """The codes an IRO may choose for a child of this age on this date."""
    return [
        code
        for code in ParticipationCode.values
        if participation_code_problem(code, date_of_birth=date_of_birth, held_on=held_on) is None
    ]


@dataclass(frozen=True)
class DecisionInput:
    action: str
    owner: str
    due_on: dt.date | None


@transaction.atomic
def lac_review_record(
    *,
    child: Child,
    held_on: dt.date,
    participation_code: str,
    chair: IndependentReviewingOfficer | None = None,
    child_seen_alone: bool | None = None,
    permanence_plan: str = "",
    decisions: Sequence[DecisionInput] = (),
    decisions_circulated_on: dt.date | None = None,
    record_circulated_on: dt.date | None = None,
    review: LookedAfterReview | None = None,
) -> LookedAfterReview:
    """Record a looked-after review as held, with its decisions; refresh the schedule.

    `review` is the booked review being recorded, if there is one.
    """
    errors = FieldErrors()
    not_in_future(errors, "held_on", held_on, "The date the review was held")
    period = _period_on(list(child.periods_of_care.all()), held_on)
    if period is None:
        errors.add(
            "held_on",
            f"{long_date(held_on)} is not within a period of care for {child.child_id}",
        )
    problem = participation_code_problem(
        participation_code, date_of_birth=child.date_of_birth, held_on=held_on
    )
    if problem:
        errors.add("participation_code", problem)
    if permanence_plan and permanence_plan not in PermanencePlan.values:
        errors.add("permanence_plan", f"'{permanence_plan}' is not a permanence plan option")
    clash = child.lac_reviews.filter(status=ReviewStatus.HELD, held_on=held_on)
    if review is not None:
        clash = clash.exclude(pk=review.pk)
    if clash.exists():
        errors.add("held_on", f"A review held on {long_date(held_on)} is already recorded")
    if period is not None and not permanence_plan:
        earlier = period.reviews.filter(status=ReviewStatus.HELD, held_on__lt=held_on).count()
        if earlier >= 1 or period.started_on is None:
            errors.add(
                "permanence_plan",
                "Record the permanence plan: it is required from the second review",
            )
    for field, value, label in [
        ("decisions_circulated_on", decisions_circulated_on, "The date decisions went out"),
        ("record_circulated_on", record_circulated_on, "The date the record went out"),
    ]:
        if value is not None and value < held_on:
            errors.add(field, f"{label} cannot be before the review")
        not_in_future(errors, field, value, label)
    for i, decision in enumerate(decisions):
        if not decision.action.strip():
            errors.add(f"decisions-{i}-action", "Enter what is to be done")
        if not decision.owner.strip():
            errors.add(f"decisions-{i}-owner", "Enter who is responsible for the decision")
        if decision.due_on is None:
            errors.add(f"decisions-{i}-due_on", "Enter when the decision is due")
        elif decision.due_on < held_on:
            errors.add(f"decisions-{i}-due_on", "A decision cannot be due before the review")
    if review is not None and review.child_id != child.pk:
        errors.add("review", "That review belongs to another child")
    errors.raise_if_any()

    if review is None:
        review = LookedAfterReview(child=child)
    else:
        transition(review, ReviewStatus.HELD)
    review.period = period
    review.status = ReviewStatus.HELD
    review.held_on = held_on
    review.participation_code = participation_code
    review.chair = chair
    review.child_seen_alone = child_seen_alone
    review.permanence_plan = permanence_plan
    review.decisions_circulated_on = decisions_circulated_on
    review.record_circulated_on = record_circulated_on
    review.save()
    for decision in decisions:
        ReviewDecision.objects.create(
            review=review, action=decision.action, owner=decision.owner, due_on=decision.due_on
        )
    period_schedule_refresh(period=period)
    review.refresh_from_db()
    return review


@transaction.atomic
def lac_review_book(
    *,
    child: Child,
    scheduled_for: dt.datetime,
    venue: str,
    chair: IndependentReviewingOfficer | None,
) -> LookedAfterReview:
    """Book the next review of a child's open period of care."""
    errors = FieldErrors()
    period = child.periods_of_care.filter(ended_on__isnull=True).first()
    if period is None:
        errors.add("child", f"{child.child_id} is not looked after, so no review can be booked")
    if not venue.strip():
        errors.add("venue", "Enter where the review will be held")
    errors.raise_if_any()
    return LookedAfterReview.objects.create(
        child=child,
        period=period,
        scheduled_for=scheduled_for,
        venue=venue,
        chair=chair,
        due_on=period.next_review_due,
        due_reason=period.next_review_reason,
    )


@transaction.atomic
def lac_review_cancel(*, review: LookedAfterReview, reason: str) -> LookedAfterReview:
    errors = FieldErrors()
    if not reason.strip():
        errors.add("cancellation_reason", "Enter why the review is cancelled")
    errors.raise_if_any()
    transition(review, ReviewStatus.CANCELLED)
    review.cancellation_reason = reason
    review.save()
    return review


def iro_contact_record(
    *,
    child: Child,
    iro: IndependentReviewingOfficer,
    occurred_on: dt.date,
    kind: str,
    seen_alone: bool = False,
    note: str = "",
) -> IROContact:
    errors = FieldErrors()
    not_in_future(errors, "occurred_on", occurred_on, "The date of the contact")
    if kind not in ContactKind.values:
        errors.add("kind", "Choose visit, call or other")
    errors.raise_if_any()
    return IROContact.objects.create(
        child=child, iro=iro, occurred_on=occurred_on, kind=kind, seen_alone=seen_alone, note=note
    )


EPISODE_CODE_FIELDS = [
    ("reason_new_episode", ReasonNewEpisode, "Reason for new episode (RNE)", False),
    ("legal_status", LegalStatus, "Legal status (LS)", False),
    ("category_of_need", CategoryOfNeed, "Category of need (CIN)", False),
    ("placement", Placement, "Placement type (PLACE)", False),
    ("placement_provider", PlacementProvider, "Placement provider", True),
    ("reason_ceased", ReasonEpisodeCeased, "Reason episode ceased (REC)", True),
    ("reason_place_change", ReasonPlaceChange, "Reason for placement change", True),
]


def episode_problems(
    values: dict, *, others: Sequence[tuple[dt.date, dt.date | None]]
) -> FieldErrors:
    """What is wrong with an episode's values, given the child's other episodes."""
    errors = FieldErrors()
    for field, choices, label, blank_ok in EPISODE_CODE_FIELDS:
        value = values.get(field, "") or ""
        if value == "" and blank_ok:
            continue
        if value not in choices.values:
            errors.add(field, f"{label} '{value}' is not a recognised code")
    start, end = values["started_on"], values.get("ended_on")
    if end is not None and end <= start:
        errors.add("ended_on", "The end date must be after the start date")
    if (end is None) != (not values.get("reason_ceased")):
        errors.add(
            "reason_ceased",
            "Give both the end date and the reason the episode ceased, or neither",
        )
    for other_start, other_end in others:
        if start < (other_end or dt.date.max) and other_start < (end or dt.date.max):
            errors.add(
                "started_on",
                f"This episode overlaps the episode starting {long_date(other_start)}",
            )
            break
    return errors


@transaction.atomic
def episode_record(*, child: Child, episode: Episode | None = None, **values) -> Episode:
    """Add or change an episode, then regroup the child's periods of care."""
    others = child.episodes.all()
    if episode is not None:
        others = others.exclude(pk=episode.pk)
    errors = episode_problems(values, others=list(others.values_list("started_on", "ended_on")))
    errors.raise_if_any()
    episode = episode or Episode(child=child)
    for field, value in values.items():
        setattr(episode, field, value if value is not None or field == "ended_on" else "")
    episode.save()
    child_periods_rebuild(child=child)
    episode.refresh_from_db()
    return episode
