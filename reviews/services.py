"""Writes for the looked-after area. Each keeps the stored due dates true."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import decisions
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
from core.history import ANONYMISED, anonymised_unless_blank, rows_scrub
from core.invitations import invitation_anonymised
from core.models import OutboxKind, User
from core.outbox import outbox_event_emit
from core.services import (
    FieldErrors,
    not_in_future,
    rows_create_with_history,
    rows_update,
    rows_update_with_history,
    transition,
)
from core.timescales import Timescales, default_timescales
from iro.models import Child, IndependentReviewingOfficer
from reviews.invitations import review_invitations_cancelled, review_invitations_moved
from reviews.models import (
    AdoptionPlacement,
    ContactKind,
    Episode,
    IROContact,
    LookedAfterReview,
    PeriodOfCare,
    PlacementOrder,
    ReviewDecision,
    ReviewInvitation,
    ReviewReschedule,
    ReviewStatus,
)
from reviews.records_begin import period_reviews_on_record, records_begin_on
from reviews.rules import (
    CareHistory,
    EpisodeFacts,
    LacSchedule,
    adoption_facts,
    episode_end_problems,
    episode_rule_problems,
    episodes_overlap,
    lac_schedule,
    needs_permanence_plan,
    periods_from_episodes,
    reason_new_episode_for,
)

# Not a DfE code: how the rules see an episode a later return is silent about (it ends
# the period on Episode.unreturned_from).
UNRETURNED = "unreturned"


def _facts(episode: Episode) -> EpisodeFacts:
    ended_on, reason_ceased = episode.ended_on, episode.reason_ceased
    if episode.is_unreturned:  # the figures follow the latest return (returns.continuity)
        ended_on, reason_ceased = episode.unreturned_from, UNRETURNED
    return EpisodeFacts(
        started_on=episode.started_on,
        ended_on=ended_on,
        reason_new_episode=episode.reason_new_episode,
        reason_ceased=reason_ceased,
        legal_status=episode.legal_status,
        placement=episode.placement,
    )


def _within(day: dt.date, start: dt.date, end: dt.date | None) -> bool:
    return start <= day and (end is None or day <= end)


def _care_history(
    period: PeriodOfCare,
    *,
    episodes: Sequence[Episode],
    held_on: Sequence[dt.date],
    series_start: dt.date | None,
    orders: Sequence[PlacementOrder],
    placements: Sequence[AdoptionPlacement],
    records_begin: dt.date | None,
) -> CareHistory:
    """What the schedule needs of one period, from rows already loaded.

    `episodes` are the period's, by start; `held_on` the reviews held in it (for short
    breaks, in the whole series, which starts on `series_start`); `orders` and
    `placements` the child's, of which those within the period count.
    """
    if period.is_short_breaks:
        # A series of short breaks is reviewed as one: 3 months from the first break.
        started_on, facts = series_start, []
    else:
        started_on, facts = period.started_on, [_facts(e) for e in episodes]
    authority, placed = adoption_facts(facts)
    end = period.ended_on
    for order in orders:
        if _within(order.granted_on, period.first_recorded_on, end):
            authority.append(order.granted_on)
    known = {start for start, _ in placed}
    for placement in placements:
        if placement.placed_on not in known and _within(
            placement.placed_on, period.first_recorded_on, end
        ):
            placed.append((placement.placed_on, placement.ceased_on))
    return CareHistory(
        started_on=started_on,
        held_reviews=list(held_on),
        authority_to_place=sorted(set(authority)),
        adoption_placements=sorted(placed),
        short_breaks=period.is_short_breaks,
        ended_on=end,
        records_begin=records_begin,
    )


def _schedule_store(
    period: PeriodOfCare, reviews: Sequence[LookedAfterReview], schedule: LacSchedule
) -> None:
    """Copy a schedule onto the period and its held reviews (in memory; callers save)."""
    for review, held in zip(reviews, schedule.held, strict=True):
        review.number = held.number
        review.due_on = held.due.on if held.due else None
        review.due_reason = held.due.reason if held.due else ""
        review.due_rule = held.due.rule if held.due else ""
    period.next_review_due = schedule.next_due.on if schedule.next_due else None
    period.next_review_reason = schedule.next_due.reason if schedule.next_due else ""
    period.next_review_rule = schedule.next_due.rule if schedule.next_due else ""


def period_schedule_refresh(
    *,
    period: PeriodOfCare,
    calendar: WorkingCalendar | None = None,
    timescales: Timescales | None = None,
) -> LacSchedule:
    """Recompute a period's next review due, and the due date each held review answered."""
    child = period.child
    series_start = None
    if period.is_short_breaks:
        series = list(child.periods_of_care.filter(is_short_breaks=True))
        series_start = min(p.first_recorded_on for p in series)
        reviews = list(
            LookedAfterReview.objects.filter(period__in=series, status=ReviewStatus.HELD).order_by(
                "held_on"
            )
        )
        episodes: list[Episode] = []
    else:
        reviews = list(period.reviews.filter(status=ReviewStatus.HELD).order_by("held_on"))
        episodes = list(period.episodes.order_by("started_on"))
    history = _care_history(
        period,
        episodes=episodes,
        held_on=[r.held_on for r in reviews],
        series_start=series_start,
        orders=list(PlacementOrder.objects.filter(child=child)),
        placements=list(AdoptionPlacement.objects.filter(child=child)),
        records_begin=records_begin_on(),
    )
    schedule = lac_schedule(
        history,
        calendar=calendar or default_calendar(),
        timescales=timescales or default_timescales(),
    )
    _schedule_store(period, reviews, schedule)
    LookedAfterReview.objects.bulk_update(reviews, ["number", "due_on", "due_reason", "due_rule"])
    PeriodOfCare.objects.filter(pk=period.pk).update(
        next_review_due=period.next_review_due,
        next_review_reason=period.next_review_reason,
        next_review_rule=period.next_review_rule,
    )
    return schedule


@transaction.atomic
def child_periods_rebuild(*, child: Child) -> list[PeriodOfCare]:
    """Regroup a child's episodes into periods of care, re-home reviews, refresh schedules.

    Raises ValidationError (nothing saved) if a review falls outside every period.
    """
    return children_periods_rebuild(child_ids=[child.pk])[child.pk]


# Enough ids per query for every database's parameter limit.
_CHUNK = 2000

_PERIOD_SHAPE = ("started_on", "ended_on", "is_short_breaks")
_PERIOD_DUE = ("next_review_due", "next_review_reason", "next_review_rule")
_REVIEW_SCHEDULE = ("period_id", "number", "due_on", "due_reason", "due_rule")


def _chunks(values: Sequence[int]):
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _by_child(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.child_id, []).append(row)
    return grouped


@transaction.atomic
def children_periods_rebuild(
    *,
    child_ids: Collection[int],
    calendar: WorkingCalendar | None = None,
    timescales: Timescales | None = None,
    episodes_to_add: Sequence[Episode] = (),
    reviews_to_add: Sequence[LookedAfterReview] = (),
    change_reason: str = "",
) -> dict[int, list[PeriodOfCare]]:
    """Regroup many children's episodes into periods of care and refresh every schedule.

    The same rules as one child's rebuild, with a fixed number of queries per 2,000
    children (imports rebuild thousands at once); only rows that change are written.
    `episodes_to_add` and `reviews_to_add` are unsaved rows (an import's), saved in the
    period they fall in. Returns each child's periods in order. Raises ValidationError
    (nothing saved) if a review falls outside every period.

    Four steps: load the children's rows, regroup and schedule them in memory, compare
    with what was loaded, write what changed.
    """
    ids = sorted({*child_ids, *(r.child_id for r in [*episodes_to_add, *reviews_to_add])})
    reviews_to_add = _bookings_recorded(reviews_to_add, change_reason=change_reason)
    loaded = _rebuild_load(ids, episodes_to_add=episodes_to_add, reviews_to_add=reviews_to_add)
    before = _RowsBefore.of(loaded)
    regrouped = _rebuild_regroup(
        loaded,
        ids,
        calendar=calendar or default_calendar(),
        timescales=timescales or default_timescales(),
    )
    _rebuild_write(
        loaded,
        regrouped,
        before,
        episodes_to_add=episodes_to_add,
        reviews_to_add=reviews_to_add,
        change_reason=change_reason,
    )
    return regrouped.periods


# What a held review brings to the booking it records (an import's review has no chair,
# venue or time of its own: the booking's stay).
_RECORDED_FIELDS = (
    "held_on",
    "participation_code",
    "child_seen_alone",
    "permanence_plan",
    "decisions_circulated_on",
    "record_circulated_on",
    "return_year",
)


def _bookings_recorded(
    reviews: Sequence[LookedAfterReview], *, change_reason: str
) -> list[LookedAfterReview]:
    """Record each child's booking with the first held review added (an import's) that was
    held on or after the day it was booked, as lac_review_record does: the booking is
    that review, not left behind with its "record it" link. Returns the reviews still to
    add (those that recorded a booking are saved as the booking)."""
    held = [
        (r.held_on, r) for r in reviews if r.status == ReviewStatus.HELD and r.held_on is not None
    ]
    children = sorted({r.child_id for _, r in held})
    recorded: set[int] = set()
    for chunk in _chunks(children):
        bookings = LookedAfterReview.objects.filter(
            child_id__in=chunk, status=ReviewStatus.SCHEDULED
        ).order_by("scheduled_for", "pk")
        for booking in bookings:
            booked_on = timezone.localdate(booking.created_at)
            answers = sorted(
                (
                    (held_on, r)
                    for held_on, r in held
                    if r.child_id == booking.child_id
                    and held_on >= booked_on
                    and id(r) not in recorded
                ),
                key=lambda pair: pair[0],
            )
            if not answers:
                continue
            answer = answers[0][1]
            transition(booking, ReviewStatus.HELD)
            for name in _RECORDED_FIELDS:
                setattr(booking, name, getattr(answer, name))
            booking._change_reason = (change_reason or "Recorded as held")[:100]  # type: ignore[attr-defined]
            booking.save()
            recorded.add(id(answer))
    return [r for r in reviews if id(r) not in recorded]


@dataclass
class _Loaded:
    """A batch of children's rows, each list in the order the rules read it."""

    names: dict[int, str]
    episodes: dict[int, list[Episode]]
    periods: dict[int, list[PeriodOfCare]]
    reviews: dict[int, list[LookedAfterReview]]
    orders: dict[int, list[PlacementOrder]]
    placements: dict[int, list[AdoptionPlacement]]


def _rebuild_load(
    ids: list[int],
    *,
    episodes_to_add: Sequence[Episode],
    reviews_to_add: Sequence[LookedAfterReview],
) -> _Loaded:
    loaded = _Loaded({}, {}, {}, {}, {}, {})
    for chunk in _chunks(ids):
        loaded.names.update(Child.objects.filter(pk__in=chunk).values_list("pk", "child_id"))
        loaded.episodes.update(
            _by_child(Episode.objects.filter(child_id__in=chunk).order_by("child_id", "started_on"))
        )
        loaded.periods.update(_by_child(PeriodOfCare.objects.filter(child_id__in=chunk)))
        loaded.reviews.update(
            _by_child(
                LookedAfterReview.objects.filter(child_id__in=chunk)
                .exclude(status=ReviewStatus.CANCELLED)
                .order_by("child_id", "held_on", "scheduled_for", "pk")
            )
        )
        loaded.orders.update(_by_child(PlacementOrder.objects.filter(child_id__in=chunk)))
        loaded.placements.update(_by_child(AdoptionPlacement.objects.filter(child_id__in=chunk)))
    for episode in episodes_to_add:
        loaded.episodes.setdefault(episode.child_id, []).append(episode)
    for child_episodes in loaded.episodes.values():
        child_episodes.sort(key=lambda e: e.started_on)
    for review in reviews_to_add:
        loaded.reviews.setdefault(review.child_id, []).append(review)
    for child_reviews in loaded.reviews.values():
        child_reviews.sort(key=lambda r: (r.held_on or dt.date.max, r.pk or 0))
    return loaded


@dataclass(frozen=True)
class _RowsBefore:
    """What the loaded rows held before regrouping, to write only what changes."""

    periods: dict[int, tuple]
    episode_periods: dict[int, int | None]
    reviews: dict[int, tuple]

    @classmethod
    def of(cls, loaded: _Loaded) -> _RowsBefore:
        return cls(
            periods={
                p.pk: _values(p, _PERIOD_SHAPE + _PERIOD_DUE)
                for ps in loaded.periods.values()
                for p in ps
            },
            episode_periods={
                e.pk: e.period_id for es in loaded.episodes.values() for e in es if e.pk
            },
            reviews={
                r.pk: _values(r, _REVIEW_SCHEDULE)
                for rs in loaded.reviews.values()
                for r in rs
                if r.pk
            },
        )


@dataclass
class _Regrouped:
    periods: dict[int, list[PeriodOfCare]]  # each child's periods, in order
    new_periods: list[PeriodOfCare]
    stale_periods: list[PeriodOfCare]
    homes: dict[int, PeriodOfCare]  # id(review) -> its period
    episode_homes: list[tuple[Episode, PeriodOfCare]]


def _rebuild_regroup(
    loaded: _Loaded, ids: list[int], *, calendar: WorkingCalendar, timescales: Timescales
) -> _Regrouped:
    """Regroup each child's episodes into periods (reviews.rules), re-home the reviews and
    store each period's schedule on the rows, in memory. Raises ValidationError if a
    review falls outside every period."""
    errors = FieldErrors()
    out = _Regrouped({}, [], [], {}, [])
    records_begin = records_begin_on()
    for child_id in ids:
        child_episodes = loaded.episodes.get(child_id, [])
        facts = periods_from_episodes([_facts(e) for e in child_episodes])
        existing = {p.first_recorded_on: p for p in loaded.periods.get(child_id, [])}
        regrouped: list[PeriodOfCare] = []
        period_episodes: dict[int, list[Episode]] = {}
        for fact in facts:
            period = existing.pop(fact.first_recorded_on, None)
            if period is None:
                period = PeriodOfCare(child_id=child_id, first_recorded_on=fact.first_recorded_on)
                out.new_periods.append(period)
            period.started_on = fact.started_on
            period.ended_on = fact.ended_on
            period.is_short_breaks = fact.is_short_breaks
            regrouped.append(period)
            period_episodes[id(period)] = [child_episodes[i] for i in fact.episodes]
            out.episode_homes.extend((child_episodes[i], period) for i in fact.episodes)
        out.stale_periods.extend(existing.values())
        out.periods[child_id] = regrouped

        for review in loaded.reviews.get(child_id, []):
            day = review.held_on or (review.scheduled_for and review.scheduled_for.date())
            home = _period_on(regrouped, day) if day else None
            if home is None and review.status == ReviewStatus.SCHEDULED:
                home = next((p for p in regrouped if p.is_open), None)
            if home is None:
                errors.add(
                    "held_on",
                    f"The review on {long_date(day)} for {loaded.names[child_id]} is not "
                    "within a period of care",
                )
                continue
            out.homes[id(review)] = home

        series = [p for p in regrouped if p.is_short_breaks]
        series_start = min((p.first_recorded_on for p in series), default=None)
        held = [r for r in loaded.reviews.get(child_id, []) if r.status == ReviewStatus.HELD]
        for period in regrouped:
            members = set(map(id, series)) if period.is_short_breaks else {id(period)}
            in_period = sorted(
                (r for r in held if id(r) in out.homes and id(out.homes[id(r)]) in members),
                key=lambda r: r.held_on,
            )
            history = _care_history(
                period,
                episodes=period_episodes[id(period)],
                held_on=[r.held_on for r in in_period],
                series_start=series_start,
                orders=loaded.orders.get(child_id, []),
                placements=loaded.placements.get(child_id, []),
                records_begin=records_begin,
            )
            _schedule_store(
                period, in_period, lac_schedule(history, calendar=calendar, timescales=timescales)
            )
    errors.raise_if_any()
    return out


def _rebuild_write(
    loaded: _Loaded,
    regrouped: _Regrouped,
    before: _RowsBefore,
    *,
    episodes_to_add: Sequence[Episode],
    reviews_to_add: Sequence[LookedAfterReview],
    change_reason: str,
) -> None:
    """Save new periods, then only the rows whose shape, home or schedule changed."""
    now = timezone.now()
    rows_create_with_history(
        regrouped.new_periods, PeriodOfCare, batch_size=500, default_change_reason=change_reason
    )
    reshaped, redated = [], []
    for period in (p for ps in regrouped.periods.values() for p in ps if p.pk in before.periods):
        old = before.periods[period.pk]
        if old[: len(_PERIOD_SHAPE)] != _values(period, _PERIOD_SHAPE):
            period.updated_at = now
            reshaped.append(period)
        elif old[len(_PERIOD_SHAPE) :] != _values(period, _PERIOD_DUE):
            redated.append(period)
    moved = []
    for episode, period in regrouped.episode_homes:
        episode.period_id = period.pk
        if episode.pk and before.episode_periods[episode.pk] != period.pk:
            moved.append(episode)
    rescheduled = []
    for review in (r for rs in loaded.reviews.values() for r in rs):
        review.period_id = regrouped.homes[id(review)].pk
        if review.pk and before.reviews[review.pk] != _values(review, _REVIEW_SCHEDULE):
            rescheduled.append(review)
    rows_update(rescheduled, LookedAfterReview, list(_REVIEW_SCHEDULE))
    rows_create_with_history(
        list(reviews_to_add),
        LookedAfterReview,
        batch_size=500,
        default_change_reason=change_reason,
    )
    rows_update(moved, Episode, ["period_id"])
    rows_create_with_history(
        list(episodes_to_add), Episode, batch_size=500, default_change_reason=change_reason
    )
    for chunk in _chunks([p.pk for p in regrouped.stale_periods]):
        # Their held and booked reviews have moved; cancelled bookings go with them.
        PeriodOfCare.objects.filter(pk__in=chunk).delete()
    rows_update_with_history(
        reshaped,
        PeriodOfCare,
        [*_PERIOD_SHAPE, *_PERIOD_DUE, "updated_at"],
        batch_size=500,
        change_reason=change_reason,
    )
    rows_update(redated, PeriodOfCare, list(_PERIOD_DUE))


def _values(row, fields: Sequence[str]) -> tuple:
    return tuple(getattr(row, f) for f in fields)


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


CIRCULATION_CHANGED = (
    "Someone else saved these dates while you had the page open. Open it again to see "
    "them, then save your change."
)
REVIEW_ALREADY_RECORDED = (
    "Someone else has just recorded this review. Open the child's record to see it."
)


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
        if needs_permanence_plan(
            reviews_held_before=earlier, period_start_known=period_reviews_on_record(period)
        ):
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
        # A booking answers the review now due; once a review is held that date is
        # answered, so the booking is this review, however it was recorded (else it is
        # left behind with its "record it" link).
        review = booked_review(child)
    if review is None:
        review = LookedAfterReview(child=child)
    else:
        transition(review, ReviewStatus.HELD)
        # Claim the booking: of two people recording it at once, one wins and the other
        # is told, rather than both saving and their decisions merging.
        claimed = LookedAfterReview.objects.filter(
            pk=review.pk, status=ReviewStatus.SCHEDULED
        ).update(status=ReviewStatus.HELD, held_on=held_on, participation_code=participation_code)
        if not claimed:
            raise ValidationError({"review": REVIEW_ALREADY_RECORDED})
    review.period = period
    review.status = ReviewStatus.HELD
    review.held_on = held_on
    review.participation_code = participation_code
    # A manager recording for the chair leaves the booked chair in place.
    review.chair = chair if chair is not None else review.chair
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
    _decisions_circulated_announce(review)
    return review


def _decisions_circulated_announce(review: LookedAfterReview) -> None:
    """Tell the council's system (the outbox) that a review's decisions went out: once a
    review, when its date is first recorded (a date corrected later tells nothing)."""
    if review.decisions_circulated_on is None:
        return
    outbox_event_emit(
        kind=OutboxKind.REVIEW_DECISIONS_CIRCULATED,
        key=f"review.decisions_circulated:{review.pk}",
        subject_type=LookedAfterReview._meta.label_lower,
        subject_pk=review.pk,
        child_ref=review.child.child_id,
        payload={
            "review_id": review.pk,
            "held_on": review.held_on,
            "decisions_circulated_on": review.decisions_circulated_on,
            "decisions": review.decisions.count(),
        },
    )


BOOKING_EXISTS = (
    "{child} already has a review booked for {when}: reschedule that review instead of "
    "booking another"
)
BOOKING_BEFORE_CARE = "The review cannot be before {child} started to be looked after on {start}"
REVIEW_CANCELLED = "This review was cancelled ({reason}), so it cannot be changed"
REVIEW_HELD = "This review has been held and recorded, so its booking cannot be changed"
REASON_REQUIRED = "Enter why"


def _booking_problems(
    errors: FieldErrors,
    *,
    child: Child,
    period: PeriodOfCare | None,
    scheduled_for: dt.datetime,
    venue: str,
) -> None:
    if not venue.strip():
        errors.add("venue", "Enter where the review will be held")
    start = period and (period.started_on or period.first_recorded_on)
    if start and timezone.localtime(scheduled_for).date() < start:
        errors.add(
            "scheduled_for",
            BOOKING_BEFORE_CARE.format(child=child.full_name, start=long_date(start)),
        )


def booked_review(child: Child) -> LookedAfterReview | None:
    """The child's booked review, if one is booked (there is at most one)."""
    return child.lac_reviews.filter(status=ReviewStatus.SCHEDULED).order_by("scheduled_for").first()


def review_open_to_changes(review: LookedAfterReview) -> str | None:
    """Why a review's booking can no longer be changed, or None while it is booked."""
    if review.status == ReviewStatus.CANCELLED:
        return REVIEW_CANCELLED.format(reason=review.cancellation_reason)
    if review.status == ReviewStatus.HELD:
        return REVIEW_HELD
    return None


@transaction.atomic
def lac_review_book(
    *,
    child: Child,
    scheduled_for: dt.datetime,
    venue: str,
    chair: IndependentReviewingOfficer | None,
    warnings_accepted: Sequence[str] = (),
) -> LookedAfterReview:
    """Book the next review of a child's open period of care.

    Refused before the period of care started, and while another review is booked (that
    one is rescheduled instead). `warnings_accepted` are what the person booking was
    warned of and confirmed (core.meetings.date_warnings, chair clashes)."""
    errors = FieldErrors()
    # Locked so that two bookings made at once cannot both pass the check below.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    period = child.periods_of_care.filter(ended_on__isnull=True).first()
    if period is None:
        errors.add("child", f"{child.child_id} is not looked after, so no review can be booked")
    _booking_problems(errors, child=child, period=period, scheduled_for=scheduled_for, venue=venue)
    existing = booked_review(child)
    if existing is not None and existing.scheduled_for is not None:
        when = timezone.localtime(existing.scheduled_for)
        errors.add(
            "scheduled_for",
            BOOKING_EXISTS.format(
                child=child.full_name, when=f"{long_date(when.date())} at {when:%H:%M}"
            ),
        )
    errors.raise_if_any()
    assert period is not None
    return LookedAfterReview.objects.create(
        child=child,
        period=period,
        scheduled_for=scheduled_for,
        venue=venue,
        chair=chair,
        due_on=period.next_review_due,
        due_reason=period.next_review_reason,
        due_rule=period.next_review_rule,
        booking_warnings_accepted="\n".join(warnings_accepted),
    )


@transaction.atomic
def lac_review_reschedule(
    *,
    review: LookedAfterReview,
    scheduled_for: dt.datetime,
    venue: str,
    chair: IndependentReviewingOfficer | None,
    reason: str,
    by: User | None = None,
    warnings_accepted: Sequence[str] = (),
) -> LookedAfterReview:
    """Move a booked review to another time (or venue, or chair), keeping everything else,
    and append who moved it, when, from what to what and why."""
    errors = FieldErrors()
    review = LookedAfterReview.objects.select_for_update().get(pk=review.pk)
    closed = review_open_to_changes(review)
    if closed:
        raise ValidationError(closed)
    if not reason.strip():
        errors.add("reason", "Enter why the review is being moved")
    _booking_problems(
        errors, child=review.child, period=review.period, scheduled_for=scheduled_for, venue=venue
    )
    if (scheduled_for, venue.strip(), chair) == (review.scheduled_for, review.venue, review.chair):
        errors.add("scheduled_for", "Choose a different date, time, venue or chair")
    errors.raise_if_any()
    ReviewReschedule.objects.create(
        review=review,
        moved_from=review.scheduled_for or scheduled_for,
        moved_to=scheduled_for,
        venue_from=review.venue,
        venue_to=venue,
        reason=reason.strip(),
        moved_by=by,
        warnings_accepted="\n".join(warnings_accepted),
    )
    review.scheduled_for = scheduled_for
    review.venue = venue
    review.chair = chair
    review.booking_warnings_accepted = "\n".join(warnings_accepted)
    _history_note(review, by=by, reason=f"Moved: {reason}")
    review.save()
    # The invitations stay; each one already emailed is sent the new time.
    review_invitations_moved(review=review)
    return review


def _history_note(row, *, by: User | None, reason: str) -> None:
    """Who made the change and why, for the row's next history entry (simple_history
    keeps 100 characters of the reason; the full reason is on the row itself)."""
    if by is not None:
        row._history_user = by
    row._change_reason = reason[:100]


@transaction.atomic
def lac_review_cancel(
    *, review: LookedAfterReview, reason: str, by: User | None = None
) -> LookedAfterReview:
    """Cancel a booked review, saying why; it is then closed to changes."""
    errors = FieldErrors()
    review = LookedAfterReview.objects.select_for_update().get(pk=review.pk)
    closed = review_open_to_changes(review)
    if closed:
        raise ValidationError(closed)
    if not reason.strip():
        errors.add("cancellation_reason", "Enter why the review is cancelled")
    errors.raise_if_any()
    transition(review, ReviewStatus.CANCELLED)
    review.cancellation_reason = reason.strip()
    _history_note(review, by=by, reason=f"Cancelled: {reason}")
    review.save()
    review_invitations_cancelled(review=review)
    return review


def _contact_problems(
    errors: FieldErrors, *, child: Child, occurred_on: dt.date, kind: str
) -> None:
    not_in_future(errors, "occurred_on", occurred_on, "The date of the contact")
    if child.date_of_birth is not None and occurred_on < child.date_of_birth:
        errors.add(
            "occurred_on",
            f"The date of the contact cannot be before {child.full_name} was born on "
            f"{long_date(child.date_of_birth)}",
        )
    if kind not in ContactKind.values:
        errors.add("kind", "Choose visit, call or other")


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
    _contact_problems(errors, child=child, occurred_on=occurred_on, kind=kind)
    errors.raise_if_any()
    return IROContact.objects.create(
        child=child, iro=iro, occurred_on=occurred_on, kind=kind, seen_alone=seen_alone, note=note
    )


CORRECTION_REASON_LENGTH = 100  # simple_history's history_change_reason
WITHDRAWN = "This has been withdrawn, so it cannot be changed"


def _reason_problem(errors: FieldErrors, reason: str, field: str = "reason") -> None:
    if not reason.strip():
        errors.add(field, "Enter the reason")
    elif len(reason.strip()) > CORRECTION_REASON_LENGTH:
        errors.add(field, f"The reason must be {CORRECTION_REASON_LENGTH} characters or fewer")


@transaction.atomic
def iro_contact_correct(
    *,
    contact: IROContact,
    occurred_on: dt.date,
    kind: str,
    seen_alone: bool,
    note: str,
    reason: str,
    by: User | None = None,
) -> IROContact:
    """Correct a contact; the history keeps what it said before, who changed it and why."""
    errors = FieldErrors()
    if contact.is_withdrawn:
        raise ValidationError(WITHDRAWN)
    _contact_problems(errors, child=contact.child, occurred_on=occurred_on, kind=kind)
    _reason_problem(errors, reason)
    errors.raise_if_any()
    contact.occurred_on, contact.kind = occurred_on, kind
    contact.seen_alone, contact.note = seen_alone, note
    _history_note(contact, by=by, reason=reason.strip())
    contact.save()
    return contact


def _withdraw(row, *, reason: str, by: User | None):
    errors = FieldErrors()
    if row.is_withdrawn:
        raise ValidationError(WITHDRAWN)
    if not reason.strip():
        errors.add("reason", "Enter why it is being withdrawn")
    errors.raise_if_any()
    row.withdrawn_at = timezone.now()
    row.withdrawn_reason = reason.strip()
    row.withdrawn_by = by
    _history_note(row, by=by, reason=f"Withdrawn: {reason.strip()}")
    row.save()
    return row


@transaction.atomic
def iro_contact_withdraw(*, contact: IROContact, reason: str, by: User | None = None) -> IROContact:
    """Withdraw a contact recorded in error: kept, with why, but counted nowhere."""
    return _withdraw(contact, reason=reason, by=by)


@transaction.atomic
def lac_review_correct(
    *,
    review: LookedAfterReview,
    held_on: dt.date,
    participation_code: str,
    child_seen_alone: bool | None,
    reason: str,
    by: User | None = None,
) -> LookedAfterReview:
    """Correct a held review's date, participation code or whether the child was seen
    alone, saying why; the schedule is worked out again from the corrected date."""
    errors = FieldErrors()
    if review.status != ReviewStatus.HELD:
        raise ValidationError("Only a review that has been held can be corrected")
    child = review.child
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
    clash = child.lac_reviews.filter(status=ReviewStatus.HELD, held_on=held_on).exclude(
        pk=review.pk
    )
    if clash.exists():
        errors.add("held_on", f"A review held on {long_date(held_on)} is already recorded")
    _reason_problem(errors, reason)
    if (held_on, participation_code, child_seen_alone) == (
        review.held_on,
        review.participation_code,
        review.child_seen_alone,
    ):
        errors.add("held_on", "Nothing has changed: change the date, code or answer to correct")
    errors.raise_if_any()
    assert period is not None
    before = review.period
    review.held_on = held_on
    review.participation_code = participation_code
    review.child_seen_alone = child_seen_alone
    review.period = period
    _history_note(review, by=by, reason=reason.strip())
    review.save()
    for affected in {before.pk: before, period.pk: period}.values():
        period_schedule_refresh(period=affected)
    review.refresh_from_db()
    return review


# A review's decisions: tracked actions -----------------------------------------------


@transaction.atomic
def review_decision_complete(
    *, decision: ReviewDecision, completed_on: dt.date, by: User | None = None
) -> ReviewDecision:
    """Mark a decision done on a day (not before its review, not in the future)."""
    return decisions.decision_complete(
        decision,
        completed_on=completed_on,
        held_on=decision.review.held_on,
        meeting="review",
        by=by,
    )


@transaction.atomic
def review_decision_correct(
    *,
    decision: ReviewDecision,
    action: str,
    owner: str,
    due_on: dt.date,
    reason: str,
    by: User | None = None,
) -> ReviewDecision:
    """Correct what a decision says, who owns it or when it is due, saying why."""
    return decisions.decision_correct(
        decision,
        action=action,
        owner=owner,
        due_on=due_on,
        reason=reason,
        held_on=decision.review.held_on,
        meeting="review",
        by=by,
    )


@transaction.atomic
def review_decision_withdraw(
    *, decision: ReviewDecision, reason: str, by: User | None = None
) -> ReviewDecision:
    """Withdraw a decision recorded in error: kept, with why, but no longer tracked."""
    return _withdraw(decision, reason=reason, by=by)


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
        if episodes_overlap(
            {"started_on": start, "ended_on": end},
            {"started_on": other_start, "ended_on": other_end},
        ):
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


@transaction.atomic
@transaction.atomic
def lac_review_circulation_record(
    *,
    review: LookedAfterReview,
    decisions_circulated_on: dt.date | None,
    record_circulated_on: dt.date | None,
    unchanged_from: Mapping[str, dt.date | None] | None = None,
) -> LookedAfterReview:
    """Record when a held review's decisions and full record went out.

    `unchanged_from` is what the person saw: if the stored dates have moved on since,
    nothing is saved and they are told (two people on the same form)."""
    errors = FieldErrors()
    if review.status != ReviewStatus.HELD:
        errors.add("review", "Only a review that has been held has decisions to send out")
    for field, value, label in [
        ("decisions_circulated_on", decisions_circulated_on, "The date decisions went out"),
        ("record_circulated_on", record_circulated_on, "The date the record went out"),
    ]:
        if value is not None and review.held_on and value < review.held_on:
            errors.add(field, f"{label} cannot be before the review")
        not_in_future(errors, field, value, label)
    errors.raise_if_any()
    if unchanged_from is not None:
        # Locked while compared and saved, so of two saves from the same page one wins.
        review = LookedAfterReview.objects.select_for_update().get(pk=review.pk)
        if any(getattr(review, field) != value for field, value in unchanged_from.items()):
            raise ValidationError(CIRCULATION_CHANGED)
    review.decisions_circulated_on = decisions_circulated_on
    review.record_circulated_on = record_circulated_on
    review.save()
    _decisions_circulated_announce(review)
    return review


# Starting, changing and ending a period of care in the browser -------------------------

ALREADY_LOOKED_AFTER = (
    "{child} is already looked after (since {start}): record a change of placement or legal "
    "status, or the end of care, instead"
)
NOT_LOOKED_AFTER = "{child} is not looked after now"
NOTHING_CHANGES = "Change the legal status or the placement (or both)"

# Every value of an episode that episode_record writes.
EPISODE_VALUES = (
    "started_on",
    "reason_new_episode",
    "legal_status",
    "category_of_need",
    "placement",
    "placement_provider",
    "placement_postcode",
    "home_postcode",
    "urn",
    "ended_on",
    "reason_ceased",
    "reason_place_change",
)


def _episode_values(episode: Episode) -> dict:
    return {f: getattr(episode, f) for f in EPISODE_VALUES}


def current_episode(child: Child) -> Episode | None:
    """The child's open episode: they are looked after now."""
    return child.episodes.filter(ended_on__isnull=True).order_by("-started_on").first()


def _add_problems(errors: FieldErrors, problems, rename: Mapping[str, str] | None = None) -> None:
    for field, message in problems:
        errors.add((rename or {}).get(field, field), message)


@transaction.atomic
def care_start(
    *,
    child: Child,
    started_on: dt.date,
    legal_status: str,
    category_of_need: str,
    placement: str,
    placement_provider: str = "",
    placement_postcode: str = "",
    home_postcode: str = "",
) -> PeriodOfCare:
    """A child starts to be looked after: the first episode of a period (RNE S), checked
    against the DfE's episode rules; the review clock starts."""
    errors = FieldErrors()
    not_in_future(errors, "started_on", started_on, "The date care started")
    current = current_episode(child)
    if current is not None:
        period = current.period
        start = period.started_on if period and period.started_on else current.started_on
        errors.add(
            "started_on",
            ALREADY_LOOKED_AFTER.format(child=child.full_name, start=long_date(start)),
        )
    values: dict[str, Any] = {
        "started_on": started_on,
        "reason_new_episode": ReasonNewEpisode.S,
        "legal_status": legal_status,
        "category_of_need": category_of_need,
        "placement": placement,
        "placement_provider": placement_provider,
        "placement_postcode": placement_postcode,
        "home_postcode": home_postcode,
        "urn": "",
        "ended_on": None,
        "reason_ceased": "",
        "reason_place_change": "",
    }
    if current is None:
        before = child.episodes.filter(started_on__lt=started_on).order_by("-started_on").first()
        _add_problems(
            errors,
            episode_rule_problems(
                values,
                previous=_episode_values(before) if before else None,
                date_of_birth=child.date_of_birth,
            ),
        )
    errors.raise_if_any()
    episode = episode_record(child=child, **values)
    assert episode.period is not None
    return episode.period


@transaction.atomic
def care_change(
    *,
    child: Child,
    changed_on: dt.date,
    legal_status: str,
    placement: str,
    placement_provider: str,
    placement_postcode: str = "",
    same_carer: bool = False,
    reason_place_change: str = "",
) -> PeriodOfCare:
    """A change of legal status or placement (or both): the open episode ends that day
    (REC X1) and the next starts with the RNE the SSDA903 gives the change (L, P, T, U
    or B); the category of need and home postcode carry over."""
    errors = FieldErrors()
    current = current_episode(child)
    if current is None:
        raise ValidationError({"changed_on": NOT_LOOKED_AFTER.format(child=child.full_name)})
    not_in_future(errors, "changed_on", changed_on, "The date of the change")
    if changed_on <= current.started_on:
        errors.add(
            "changed_on",
            f"The change must be after the current episode started, on "
            f"{long_date(current.started_on)}",
        )
    legal_changes = legal_status != current.legal_status
    place = {
        "placement": placement,
        "placement_provider": placement_provider,
        "placement_postcode": placement_postcode,
        "urn": current.urn if placement == current.placement else "",
    }
    placement_changes = any(
        (value or "") != (getattr(current, f) or "") for f, value in place.items()
    )
    if not (legal_changes or placement_changes):
        errors.add("legal_status", NOTHING_CHANGES)
        errors.raise_if_any()
    ending = {
        **_episode_values(current),
        "ended_on": changed_on,
        "reason_ceased": ReasonEpisodeCeased.X1,
        "reason_place_change": reason_place_change if placement_changes else "",
    }
    starting = {
        **_episode_values(current),
        **place,
        "started_on": changed_on,
        "reason_new_episode": reason_new_episode_for(
            legal_status_changes=legal_changes,
            placement_changes=placement_changes,
            same_carer=same_carer,
        ),
        "legal_status": legal_status,
        "ended_on": None,
        "reason_ceased": "",
        "reason_place_change": "",
    }
    if not errors:
        _add_problems(
            errors,
            episode_rule_problems(starting, previous=ending, date_of_birth=child.date_of_birth),
            rename={"started_on": "changed_on"},
        )
    errors.raise_if_any()
    episode_record(child=child, episode=current, **ending)
    episode = episode_record(child=child, **starting)
    assert episode.period is not None
    return episode.period


@transaction.atomic
def care_end(
    *, child: Child, ended_on: dt.date, reason_ceased: str, by: User | None = None
) -> PeriodOfCare:
    """The period of care ends: the open episode ends with the reason (REC, not X1). A
    review still booked is cancelled, saying why; no more reviews fall due."""
    errors = FieldErrors()
    current = current_episode(child)
    if current is None:
        raise ValidationError({"ended_on": NOT_LOOKED_AFTER.format(child=child.full_name)})
    not_in_future(errors, "ended_on", ended_on, "The date care ended")
    if ended_on <= current.started_on:
        errors.add(
            "ended_on",
            f"Care must end after the current episode started, on {long_date(current.started_on)}",
        )
    if reason_ceased == ReasonEpisodeCeased.X1:
        errors.add("reason_ceased", "Choose why the child stopped being looked after")
    values = {**_episode_values(current), "ended_on": ended_on, "reason_ceased": reason_ceased}
    _add_problems(errors, episode_end_problems(values, child.date_of_birth))
    errors.raise_if_any()
    period = current.period
    if period is not None:
        for review in period.reviews.filter(status=ReviewStatus.SCHEDULED):
            lac_review_cancel(
                review=review,
                reason=f"{child.full_name} stopped being looked after on {long_date(ended_on)}",
                by=by,
            )
    episode = episode_record(child=child, episode=current, **values)
    assert episode.period is not None
    return episode.period


def due_message(period: PeriodOfCare) -> str:
    """What a period's review clock now says, for the page after a save."""
    if period.ended_on is not None:
        return f"The period of care ended on {long_date(period.ended_on)}: no more reviews are due."
    if period.next_review_due is None:
        return "The next review's due date cannot be worked out from the records held."
    held = period.reviews.filter(status=ReviewStatus.HELD).exists()
    which = "Next" if held else "First"
    return (
        f"{which} review due by {long_date(period.next_review_due)}: {period.next_review_reason}."
    )


# Correcting or withdrawing an episode entered wrongly ----------------------------------

EPISODE_WITHDRAWN = "This episode was withdrawn ({reason}), so it cannot be changed"
EPISODE_UNCHANGED = "Nothing has changed: correct a date or a code, or go back"
EPISODE_BEFORE_PREVIOUS = (
    "The episode must start after the episode before it started, on {date}: that episode "
    "ends the day this one starts"
)
EPISODE_AFTER_NEXT = (
    "The episode must end before the episode after it ends, on {date}: that episode "
    "starts the day this one ends"
)
NEXT_EPISODE_BREAKS_RULE = "The episode from {date} would then break a rule: {problem}"
WITHDRAWAL_BREAKS_RULE = (
    "Without this episode, the episode from {date} would break a rule: {problem}"
)
WITHDRAWAL_REASON = "Enter why it is being withdrawn"
_LATER_EPISODE_FIELDS = {"reason_new_episode": "reason_ceased"}
CHANGE_LEAVES_GAP = (
    "An episode that ends with a change (REC X1) is followed by one starting the same day, "
    "{end}: {following}"
)
NO_PERIOD_NOW = "No period of care is on record now, so no review is due."


@dataclass(frozen=True)
class EpisodeChange:
    """A corrected or withdrawn episode, and the review clock before and after."""

    episode: Episode
    period: PeriodOfCare | None  # the period it is in now; for a withdrawal, the one it left
    due_before: dt.date | None

    @property
    def message(self) -> str:
        """What the review clock says now, and what it said before if that moved."""
        if self.period is None:
            return NO_PERIOD_NOW
        text = due_message(self.period)
        due_now = None if self.period.ended_on else self.period.next_review_due
        if self.due_before and due_now and due_now != self.due_before:
            text += f" It was due by {long_date(self.due_before)}."
        return text


def _keyed(episode: Episode, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {**(values or _episode_values(episode)), "pk": episode.pk}


def _chain_problems(
    chain: Sequence[Mapping[str, Any]], date_of_birth: dt.date | None
) -> dict[int, set[tuple[str, str]]]:
    """Each episode's DfE rule problems (by pk), read in start order with the one before."""
    ordered = sorted(chain, key=lambda values: values["started_on"])
    return {
        values["pk"]: set(
            episode_rule_problems(
                values, previous=ordered[i - 1] if i else None, date_of_birth=date_of_birth
            )
        )
        for i, values in enumerate(ordered)
    }


def _rebuild_refused_on(child: Child, field: str) -> None:
    """Regroup the child's periods; a review left outside every period is the form's
    `field` error (and, raised inside the caller's transaction, nothing is saved)."""
    try:
        child_periods_rebuild(child=child)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def _period_due(period: PeriodOfCare | None) -> dt.date | None:
    return period.next_review_due if period and period.ended_on is None else None


def _locked_episodes(child: Child) -> list[Episode]:
    # Locked so that two corrections of the same child's episodes are checked in turn.
    return list(child.episodes.select_for_update().order_by("started_on"))


def _change_gap(values: Mapping[str, Any], others: Sequence[Mapping[str, Any]]) -> str | None:
    """What is wrong if the episode ends with a change (X1) that no episode continues."""
    end = values["ended_on"]
    if values["reason_ceased"] != ReasonEpisodeCeased.X1 or end is None:
        return None
    later = sorted(
        (v for v in others if v["started_on"] > values["started_on"]),
        key=lambda v: v["started_on"],
    )
    if later and later[0]["started_on"] == end:
        return None
    following = (
        f"the next episode starts on {long_date(later[0]['started_on'])}"
        if later
        else "no episode follows it"
    )
    return CHANGE_LEAVES_GAP.format(end=long_date(end), following=following)


@transaction.atomic
def episode_correct(
    *, episode: Episode, reason: str, by: User | None = None, **values: Any
) -> EpisodeChange:
    """Correct an episode's dates and codes, saying why, checked with the DfE rules the
    care journeys use; the periods of care and their review schedules are rebuilt.

    Where the episode continues the one before (that one ended, REC X1, the day this one
    started), moving the start moves that end with it; likewise an end that the next
    episode starts on. Refused, naming the field, if the episodes would then overlap or
    break a rule they did not break before (a gap after a change, a first episode that
    is not a start)."""
    child = episode.child
    episode = Episode.all_objects.select_for_update().get(pk=episode.pk)
    if episode.is_withdrawn:
        raise ValidationError(EPISODE_WITHDRAWN.format(reason=episode.withdrawn_reason))
    errors = FieldErrors()
    _reason_problem(errors, reason)
    before = _episode_values(episode)
    after = dict(before)
    for name, value in values.items():
        if name in EPISODE_VALUES:
            after[name] = value if value is not None or name == "ended_on" else ""
    if after == before:
        errors.add("started_on", EPISODE_UNCHANGED)
    not_in_future(errors, "started_on", after["started_on"], "The start date")
    not_in_future(errors, "ended_on", after["ended_on"], "The end date")

    others = [e for e in _locked_episodes(child) if e.pk != episode.pk]
    previous = next((e for e in reversed(others) if e.started_on < before["started_on"]), None)
    following = next((e for e in others if e.started_on > before["started_on"]), None)
    moved: dict[int, dict[str, Any]] = {}
    if (
        previous is not None
        and previous.reason_ceased == ReasonEpisodeCeased.X1
        and previous.ended_on == before["started_on"]
        and after["started_on"] != before["started_on"]
    ):
        moved[previous.pk] = {**_episode_values(previous), "ended_on": after["started_on"]}
        if after["started_on"] <= previous.started_on:
            errors.add(
                "started_on", EPISODE_BEFORE_PREVIOUS.format(date=long_date(previous.started_on))
            )
    if (
        following is not None
        and before["reason_ceased"] == ReasonEpisodeCeased.X1
        and before["ended_on"] == following.started_on
        and after["reason_ceased"] == ReasonEpisodeCeased.X1
        and after["ended_on"] is not None
        and after["ended_on"] != before["ended_on"]
    ):
        moved[following.pk] = {**_episode_values(following), "started_on": after["ended_on"]}
        if following.ended_on is not None and after["ended_on"] >= following.ended_on:
            errors.add("ended_on", EPISODE_AFTER_NEXT.format(date=long_date(following.ended_on)))
    others_after = [_keyed(e, moved.get(e.pk)) for e in others]
    if not errors:
        problems = episode_problems(
            after, others=[(v["started_on"], v["ended_on"]) for v in others_after]
        )
        for name, texts in problems.errors.items():
            for text in texts:
                errors.add(name, text)
    if not errors:
        # Only what the correction breaks: a history imported mid-period (whose first
        # episode on record is not a start) can still be corrected.
        dob = child.date_of_birth
        old = _chain_problems([_keyed(episode), *(_keyed(e) for e in others)], dob)
        new = _chain_problems([_keyed(episode, after), *others_after], dob)
        for name, text in sorted(new[episode.pk] - old[episode.pk]):
            errors.add(name, text)
        starts = {v["pk"]: v["started_on"] for v in others_after}
        for pk, found in new.items():
            if pk == episode.pk:
                continue
            later = starts[pk] > after["started_on"]
            for name, text in sorted(found - old[pk]):
                # A later episode's problem is this one's end (or why it ended).
                field = _LATER_EPISODE_FIELDS.get(name, "ended_on") if later else "started_on"
                errors.add(
                    field, NEXT_EPISODE_BREAKS_RULE.format(date=long_date(starts[pk]), problem=text)
                )
    if not errors:
        gap_before = _change_gap(before, [_keyed(e) for e in others])
        gap_after = _change_gap(after, others_after)
        if gap_after and not gap_before:
            errors.add("reason_ceased", gap_after)
    errors.raise_if_any()

    due_before = _period_due(episode.period)
    note = reason.strip()
    neighbours = [e for e in others if e.pk in moved]
    for other in neighbours:
        for name, value in moved[other.pk].items():
            setattr(other, name, value)
        _history_note(other, by=by, reason=f"Moved with a correction: {note}")
    for name, value in after.items():
        setattr(episode, name, value)
    _history_note(episode, by=by, reason=f"Corrected: {note}")
    # One current episode starts on a day: save first whichever row frees the other's
    # new start (only the next episode can start where this one now starts).
    frees_start = following is not None and after["started_on"] == following.started_on
    for row in [*neighbours, episode] if frees_start else [episode, *neighbours]:
        row.save()
    _rebuild_refused_on(child, "started_on")
    episode.refresh_from_db()
    return EpisodeChange(episode, episode.period, due_before)


@transaction.atomic
def episode_withdraw(*, episode: Episode, reason: str, by: User | None = None) -> EpisodeChange:
    """Withdraw an episode entered in error: it is kept, with why, but read nowhere; the
    periods of care and their review schedules are rebuilt without it.

    An episode that continued the one before (a change entered in error) gives that one
    back its end: the change never happened. Refused if the episodes left would break a
    rule they did not break before, or a review would fall outside every period."""
    child = episode.child
    episode = Episode.all_objects.select_for_update().get(pk=episode.pk)
    if episode.is_withdrawn:
        raise ValidationError(EPISODE_WITHDRAWN.format(reason=episode.withdrawn_reason))
    errors = FieldErrors()
    if not reason.strip():
        errors.add("reason", WITHDRAWAL_REASON)
    others = [e for e in _locked_episodes(child) if e.pk != episode.pk]
    previous = next((e for e in reversed(others) if e.started_on < episode.started_on), None)
    takes_end = (
        previous is not None
        and previous.reason_ceased == ReasonEpisodeCeased.X1
        and previous.ended_on == episode.started_on
    )
    end = {
        "ended_on": episode.ended_on,
        "reason_ceased": episode.reason_ceased,
        "reason_place_change": episode.reason_place_change,
    }
    left = [
        _keyed(e, {**_episode_values(e), **end} if takes_end and e == previous else None)
        for e in others
    ]
    dob = child.date_of_birth
    old = _chain_problems([_keyed(episode), *(_keyed(e) for e in others)], dob)
    new = _chain_problems(left, dob)
    starts = {v["pk"]: v["started_on"] for v in left}
    for pk, found in new.items():
        for _, text in sorted(found - old[pk]):
            errors.add(
                "reason", WITHDRAWAL_BREAKS_RULE.format(date=long_date(starts[pk]), problem=text)
            )
    errors.raise_if_any()

    period = episode.period
    due_before = _period_due(period)
    _withdraw(episode, reason=reason, by=by)
    if takes_end and previous is not None:
        for name, value in end.items():
            setattr(previous, name, value)
        _history_note(previous, by=by, reason=f"Its end restored: {reason.strip()}")
        previous.save()
    _rebuild_refused_on(child, "reason")
    now = PeriodOfCare.objects.filter(pk=period.pk).first() if period else None
    if now is None and previous is not None:
        previous.refresh_from_db()
        now = previous.period
    return EpisodeChange(episode, now, due_before)


def child_records_anonymise(*, child_ids: Sequence[int]) -> dict[str, int]:
    """Blank the free text that can name people in these children's looked-after records
    (the retention job, inside its transaction), in the rows and their history; return
    the rows changed per kind. Dates, codes and statuses stay, so past figures do not
    change."""
    withdrawn = {"withdrawn_reason": anonymised_unless_blank("withdrawn_reason")}
    reviews = LookedAfterReview.objects.filter(child__in=child_ids)
    return {
        "looked_after_reviews": rows_scrub(
            reviews,
            {
                "venue": "",
                "cancellation_reason": anonymised_unless_blank("cancellation_reason"),
                "booking_warnings_accepted": "",
            },
        ),
        "review_moves": rows_scrub(
            ReviewReschedule.objects.filter(review__in=reviews),
            {"venue_from": "", "venue_to": "", "reason": ANONYMISED, "warnings_accepted": ""},
        ),
        "review_decisions": rows_scrub(
            ReviewDecision.all_objects.filter(review__in=reviews),
            {"action": ANONYMISED, **withdrawn},
        ),
        "review_invitations": rows_scrub(
            ReviewInvitation.objects.filter(review__in=reviews), invitation_anonymised()
        ),
        "iro_contacts": rows_scrub(
            IROContact.all_objects.filter(child__in=child_ids), {"note": "", **withdrawn}
        ),
        "placement_orders": rows_scrub(
            PlacementOrder.objects.filter(child__in=child_ids).exclude(note=""), {"note": ""}
        ),
        "episodes": rows_scrub(
            Episode.all_objects.filter(child__in=child_ids).exclude(withdrawn_reason=""), withdrawn
        ),
    }
