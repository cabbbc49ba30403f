"""Reads for the dispute resolution process: the challenges list and each challenge's clocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from core.dates import WorkingCalendar, default_calendar, working_days_between
from core.deadlines import DeadlineSource, OpenDeadline, deadlines_from
from disputes.models import Dispute, DisputeLevel, DisputeStage, DisputeStatus, StageOutcome
from iro.models import IndependentReviewingOfficer
from iro.selectors import child_scope, children_held_by

OPEN = [DisputeStatus.INFORMAL, DisputeStatus.FORMAL]


def dispute_list(
    *,
    status: str = "",
    category: str = "",
    raised_by: IndependentReviewingOfficer | None = None,
):
    """Challenges, open ones first, each annotated with its current (highest) stage.

    One query for the rows whatever their number: the stage figures are subqueries.
    """
    current = DisputeStage.objects.filter(dispute=OuterRef("pk")).order_by("-level__rank")
    disputes = Dispute.objects.select_related(
        "child", "raised_by__user", "resolved_at_level"
    ).annotate(
        stage_level=Subquery(current.values("level__name")[:1]),
        stage_addressee=Subquery(current.values("addressee")[:1]),
        stage_started_on=Subquery(current.values("started_on")[:1]),
        stage_due_on=Subquery(current.values("response_due_on")[:1]),
        stage_responded_on=Subquery(current.values("responded_on")[:1]),
        closed=Case(
            When(status__in=OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    )
    if status == "open":
        disputes = disputes.filter(status__in=OPEN)
    elif status in DisputeStatus.values:
        disputes = disputes.filter(status=status)
    if category:
        disputes = disputes.filter(category=category)
    if raised_by is not None:
        disputes = disputes.filter(raised_by=raised_by)
    return disputes.order_by("closed", "-raised_on", "-pk")


def dispute_detail(*, pk: int) -> Dispute:
    """A challenge with its child, IRO and every stage (levels included), oldest first."""
    return (
        Dispute.objects.select_related("child", "raised_by__user", "resolved_at_level")
        .prefetch_related("stages__level")
        .get(pk=pk)
    )


def levels_to_escalate_to(*, dispute: Dispute):
    """Active levels above the highest the challenge has reached (levels may be skipped)."""
    reached = max((stage.level.rank for stage in dispute.stages.all()), default=0)
    return DisputeLevel.objects.filter(active=True, rank__gt=reached)


def awaiting_stage(*, dispute: Dispute) -> DisputeStage | None:
    """The stage still waiting for its addressee's response, if any."""
    for stage in dispute.stages.all():
        if stage.responded_on is None and stage.outcome == StageOutcome.AWAITING:
            return stage
    return None


def last_stage(*, dispute: Dispute) -> DisputeStage | None:
    return max(dispute.stages.all(), key=lambda s: s.level.rank, default=None)


@dataclass(frozen=True)
class Clock:
    """How a deadline stands today, counted in working days."""

    due_on: dt.date
    as_of: dt.date
    days_left: int
    days_over: int
    stopped_on: dt.date | None = None

    @property
    def overdue(self) -> bool:
        return self.days_over > 0

    @property
    def stopped(self) -> bool:
        return self.stopped_on is not None


def clock(
    due_on: dt.date,
    *,
    as_of: dt.date,
    stopped_on: dt.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> Clock:
    """Working days left before `due_on`, or over it, as of today or when it stopped."""
    calendar = calendar or default_calendar()
    end = stopped_on or as_of
    return Clock(
        due_on=due_on,
        as_of=as_of,
        days_left=working_days_between(end, due_on, calendar),
        days_over=working_days_between(due_on, end, calendar),
        stopped_on=stopped_on,
    )


def formal_clock(dispute: Dispute, *, as_of: dt.date) -> Clock | None:
    """The whole formal process's clock: 20 working days from the first formal stage."""
    if dispute.formal_due_on is None:
        return None
    stopped_on = None if dispute.is_open else dispute.resolved_on or as_of
    return clock(dispute.formal_due_on, as_of=as_of, stopped_on=stopped_on)


DISPUTE_STAGE = "dispute_stage"


def stages_awaiting_response() -> QuerySet[DisputeStage]:
    """Formal stages still waiting for the addressee's response."""
    return DisputeStage.objects.filter(
        responded_on__isnull=True,
        outcome=StageOutcome.AWAITING,
        dispute__status=DisputeStatus.FORMAL,
    )


def deadline_sources(
    *, user_id: int | None = None, children: Collection[int] | None = None
) -> list[DeadlineSource]:
    """Each formal stage's response deadline, as a query (core.deadlines.DeadlineSource);
    `user_id` keeps those of the children that person holds as IRO now, `children` those
    of these children (iro.selectors.child_scope)."""
    rows = stages_awaiting_response()
    held = child_scope(user_id=user_id, children=children)
    if held is not None:
        rows = rows.filter(dispute__child_id__in=held)
    return [
        DeadlineSource(
            DISPUTE_STAGE,
            rows,
            "response_due_on",
            (
                "dispute__child_id",
                "dispute__child__child_id",
                "response_due_on",
                "response_due_reason",
            ),
            lambda pk, child_id, due, reason: OpenDeadline(
                DISPUTE_STAGE, "Dispute stage response", due, reason, pk, child_id
            ),
        )
    ]


def open_deadlines(
    *,
    horizon: dt.date | None = None,
    user_id: int | None = None,
    children: Collection[int] | None = None,
) -> list[OpenDeadline]:
    """Each formal stage's response deadline (one query); `user_id` keeps those of the
    children that person holds as IRO now, `children` those of these children."""
    sources = deadline_sources(user_id=user_id, children=children)
    return deadlines_from(sources, horizon=horizon)


def disputes_in_scope(*, user_id: int | None = None) -> QuerySet[Dispute]:
    """Challenges as `dispute_list` gives them (each with its current stage, one query a
    page); `user_id` keeps those of the children that person holds as IRO now and those
    they raised (the challenges they act on: disputes.permissions.owns_challenge)."""
    disputes = dispute_list()
    if user_id is not None:
        disputes = disputes.filter(
            Q(child_id__in=children_held_by(user_id=user_id)) | Q(raised_by__user_id=user_id)
        )
    return disputes
