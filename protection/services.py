"""Writes for child protection: enquiries, conferences, outcomes, plans, invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from core.codes import CategoryOfAbuse
from core.dates import WorkingCalendar, default_calendar, long_date
from core.services import FieldErrors, not_in_future, transition
from core.timescales import Timescales, default_timescales
from iro.models import Child, Family, IndependentReviewingOfficer
from protection.models import (
    Attendance,
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    ConferenceKind,
    ConferenceOutcome,
    ConferenceStatus,
    InvitationKind,
    Section47Enquiry,
)
from protection.rules import PlanSchedule, icpc_due, plan_review_schedule, transfer_in_due


def section47_schedule_refresh(
    *,
    enquiry: Section47Enquiry,
    calendar: WorkingCalendar | None = None,
    timescales: Timescales | None = None,
) -> None:
    section47_schedules_refresh(enquiries=[enquiry], calendar=calendar, timescales=timescales)


def section47_schedules_refresh(
    *,
    enquiries: Sequence[Section47Enquiry],
    calendar: WorkingCalendar | None = None,
    timescales: Timescales | None = None,
) -> None:
    """Store each enquiry's initial conference due date, and give it to the conference
    that answered it: two queries and two bulk updates, however many enquiries."""
    calendar = calendar or default_calendar()
    timescales = timescales or default_timescales()
    stale = []
    for enquiry in enquiries:
        due = icpc_due(enquiry.strategy_discussion_on, calendar=calendar, timescales=timescales)
        stored = (enquiry.icpc_due, enquiry.icpc_due_reason, enquiry.icpc_due_rule)
        if stored != (due.on, due.reason, due.rule):
            enquiry.icpc_due, enquiry.icpc_due_reason, enquiry.icpc_due_rule = (
                due.on,
                due.reason,
                due.rule,
            )
            stale.append(enquiry)
    Section47Enquiry.objects.bulk_update(
        stale, ["icpc_due", "icpc_due_reason", "icpc_due_rule"], batch_size=500
    )
    by_pk = {e.pk: e for e in enquiries}
    entries = [
        entry
        for entry in ConferenceChild.objects.filter(
            section47__in=list(by_pk), conference__kind=ConferenceKind.INITIAL
        )
        if (entry.due_on, entry.due_reason, entry.due_rule)
        != _icpc_due_of(by_pk[entry.section47_id])
    ]
    for entry in entries:
        entry.due_on, entry.due_reason, entry.due_rule = _icpc_due_of(by_pk[entry.section47_id])
    ConferenceChild.objects.bulk_update(
        entries, ["due_on", "due_reason", "due_rule"], batch_size=500
    )


def _icpc_due_of(enquiry: Section47Enquiry) -> tuple[dt.date | None, str, str]:
    return enquiry.icpc_due, enquiry.icpc_due_reason, enquiry.icpc_due_rule


@transaction.atomic
def section47_start(
    *, child: Child, strategy_discussion_on: dt.date, icpc_not_required: bool = False
) -> Section47Enquiry:
    errors = FieldErrors()
    not_in_future(
        errors, "strategy_discussion_on", strategy_discussion_on, "The strategy discussion"
    )
    if child.section47_enquiries.filter(strategy_discussion_on=strategy_discussion_on).exists():
        errors.add(
            "strategy_discussion_on",
            f"A section 47 enquiry from {long_date(strategy_discussion_on)} is already recorded",
        )
    errors.raise_if_any()
    enquiry = Section47Enquiry.objects.create(
        child=child,
        strategy_discussion_on=strategy_discussion_on,
        icpc_not_required=icpc_not_required,
        concluded_on=strategy_discussion_on if icpc_not_required else None,
    )
    section47_schedule_refresh(enquiry=enquiry)
    return enquiry


def plan_schedule_refresh(
    *, plan: ChildProtectionPlan, timescales: Timescales | None = None
) -> PlanSchedule:
    """Recompute a plan's next review conference, and the due date each one answered."""
    return plan_schedules_refresh(plans=[plan], timescales=timescales)[plan.pk]


def plan_schedules_refresh(
    *, plans: Sequence[ChildProtectionPlan], timescales: Timescales | None = None
) -> dict[int, PlanSchedule]:
    """Recompute many plans' schedules: one query for their review conferences, then
    bulk updates, so an import of a whole census stays a handful of queries."""
    timescales = timescales or default_timescales()
    entries_by_plan: dict[int, list[ConferenceChild]] = {p.pk: [] for p in plans}
    entries = list(
        ConferenceChild.objects.filter(
            plan__in=list(entries_by_plan),
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.HELD,
        )
        .select_related("conference")
        .order_by("conference__held_on")
    )
    for entry in entries:
        entries_by_plan[entry.plan_id].append(entry)
    schedules = {}
    stale_entries, stale_plans = [], []
    for plan in plans:
        plan_entries = entries_by_plan[plan.pk]
        schedule = plan_review_schedule(
            started_on=plan.started_on,
            review_conferences=[e.conference.held_on for e in plan_entries],
            ended_on=plan.ended_on,
            timescales=timescales,
        )
        by_day = {h.held_on: h for h in schedule.held}
        for entry in plan_entries:
            held = by_day[entry.conference.held_on]
            owed = (held.due.on, held.due.reason, held.due.rule)
            if (entry.due_on, entry.due_reason, entry.due_rule) != owed:
                entry.due_on, entry.due_reason, entry.due_rule = owed
                stale_entries.append(entry)
        nxt = schedule.next_due
        due = (nxt.on, nxt.reason, nxt.rule) if nxt else (None, "", "")
        if (plan.next_review_due, plan.next_review_reason, plan.next_review_rule) != due:
            plan.next_review_due, plan.next_review_reason, plan.next_review_rule = due
            stale_plans.append(plan)
        schedules[plan.pk] = schedule
    # Only rows whose due date moved are written: a re-import changes nothing.
    ConferenceChild.objects.bulk_update(
        stale_entries, ["due_on", "due_reason", "due_rule"], batch_size=500
    )
    ChildProtectionPlan.objects.bulk_update(
        stale_plans, ["next_review_due", "next_review_reason", "next_review_rule"], batch_size=500
    )
    return schedules


def plan_problems(
    *,
    child: Child,
    started_on: dt.date,
    ended_on: dt.date | None,
    initial_category: str,
    latest_category: str,
    exclude_pk: int | None = None,
) -> FieldErrors:
    errors = FieldErrors()
    for field, value in [
        ("initial_category", initial_category),
        ("latest_category", latest_category),
    ]:
        if value not in CategoryOfAbuse.values:
            errors.add(field, f"'{value}' is not a category of abuse (NEG, EMO, PHY, SAB, MUL)")
    if ended_on is not None and ended_on <= started_on:
        errors.add("ended_on", "A plan must end after the day it started")
    others = child.cp_plans.all()
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        if started_on < (other.ended_on or dt.date.max) and other.started_on < (
            ended_on or dt.date.max
        ):
            errors.add(
                "started_on",
                f"This plan overlaps the plan that started on {long_date(other.started_on)}",
            )
            break
    return errors


@transaction.atomic
def plan_record(
    *,
    child: Child,
    started_on: dt.date,
    initial_category: str,
    latest_category: str | None = None,
    ended_on: dt.date | None = None,
    previous_plans: int | None = None,
    reference: str = "",
) -> ChildProtectionPlan:
    """Record a child protection plan (from a conference outcome or an import)."""
    latest_category = latest_category or initial_category
    errors = plan_problems(
        child=child,
        started_on=started_on,
        ended_on=ended_on,
        initial_category=initial_category,
        latest_category=latest_category,
    )
    not_in_future(errors, "started_on", started_on, "The plan's start date")
    not_in_future(errors, "ended_on", ended_on, "The plan's end date")
    if previous_plans is not None and previous_plans < 0:
        errors.add("previous_plans", "The number of previous plans cannot be negative")
    errors.raise_if_any()
    if previous_plans is None:
        previous_plans = child.cp_plans.filter(started_on__lt=started_on).count()
    plan = ChildProtectionPlan.objects.create(
        child=child,
        started_on=started_on,
        ended_on=ended_on,
        initial_category=initial_category,
        latest_category=latest_category,
        previous_plans=previous_plans,
        reference=reference,
    )
    plan_schedule_refresh(plan=plan)
    return plan


@transaction.atomic
def conference_book(
    *,
    kind: str,
    children: Sequence[Child],
    scheduled_for: dt.datetime,
    venue: str,
    chair: IndependentReviewingOfficer | None = None,
    family: Family | None = None,
    transfer_notified_on: dt.date | None = None,
) -> ChildProtectionConference:
    """Book a conference for one child or a sibling group, as one meeting."""
    errors = FieldErrors()
    if kind not in ConferenceKind.values:
        errors.add("kind", "Choose initial, transfer-in or review")
    if not children:
        errors.add("children", "Choose at least one child")
    if not venue.strip():
        errors.add("venue", "Enter where the conference will be held")
    if kind == ConferenceKind.TRANSFER_IN and transfer_notified_on is None:
        errors.add("transfer_notified_on", "Enter when the transfer was notified")
    if len({c.pk for c in children}) != len(children):
        errors.add("children", "Each child can be listed only once")
    entries = []
    for child in children:
        enquiry = plan = None
        if kind == ConferenceKind.INITIAL:
            enquiry = (
                child.section47_enquiries.filter(concluded_on__isnull=True)
                .order_by("-strategy_discussion_on")
                .first()
            )
            if enquiry is None:
                errors.add("children", f"{child.child_id} has no open section 47 enquiry")
        elif kind == ConferenceKind.REVIEW:
            plan = child.cp_plans.filter(ended_on__isnull=True).first()
            if plan is None:
                errors.add("children", f"{child.child_id} is not on a child protection plan")
        entries.append((child, enquiry, plan))
    errors.raise_if_any()

    conference = ChildProtectionConference.objects.create(
        kind=kind,
        family=family,
        scheduled_for=scheduled_for,
        venue=venue,
        chair=chair,
        transfer_notified_on=transfer_notified_on,
    )
    for child, enquiry, plan in entries:
        due = None
        if enquiry is not None:
            due = _icpc_due_of(enquiry)
        elif plan is not None:
            due = (plan.next_review_due, plan.next_review_reason, plan.next_review_rule)
        elif transfer_notified_on is not None:
            d = transfer_in_due(
                transfer_notified_on, calendar=default_calendar(), timescales=default_timescales()
            )
            due = (d.on, d.reason, d.rule)
        ConferenceChild.objects.create(
            conference=conference,
            child=child,
            section47=enquiry,
            plan=plan,
            due_on=due[0] if due else None,
            due_reason=due[1] if due else "",
            due_rule=due[2] if due else "",
        )
    return conference


@dataclass(frozen=True)
class ChildOutcome:
    child: Child
    outcome: str
    category: str = ""


@transaction.atomic
def conference_record_held(
    *,
    conference: ChildProtectionConference,
    held_on: dt.date,
    outcomes: Sequence[ChildOutcome],
    chair: IndependentReviewingOfficer | None = None,
) -> ChildProtectionConference:
    """Record that a conference took place and what it decided for each child."""
    errors = FieldErrors()
    not_in_future(errors, "held_on", held_on, "The conference date")
    if conference.status != ConferenceStatus.SCHEDULED:
        errors.add(
            "status", f"This conference is already {conference.get_status_display().lower()}"
        )
    entries = {
        e.child_id: e for e in conference.covered.select_related("child", "section47", "plan")
    }
    given = {o.child.pk: o for o in outcomes}
    allowed = (
        {ConferenceOutcome.PLAN_CONTINUED, ConferenceOutcome.PLAN_ENDED}
        if conference.kind == ConferenceKind.REVIEW
        else {ConferenceOutcome.PLAN_STARTED, ConferenceOutcome.NO_PLAN}
    )
    for child_pk, entry in entries.items():
        outcome = given.get(child_pk)
        field = f"outcome-{entry.child.child_id}"
        if outcome is None or outcome.outcome not in allowed:
            errors.add(field, f"Choose the outcome of the conference for {entry.child.full_name}")
            continue
        if (
            outcome.outcome == ConferenceOutcome.PLAN_STARTED
            and entry.child.cp_plans.filter(ended_on__isnull=True).exists()
        ):
            errors.add(field, f"{entry.child.full_name} is already on a child protection plan")
        if outcome.outcome == ConferenceOutcome.PLAN_STARTED and (
            outcome.category not in CategoryOfAbuse.values
        ):
            errors.add(
                f"category-{entry.child.child_id}",
                f"Choose the category of abuse for {entry.child.full_name}'s plan",
            )
        if entry.section47 and held_on < entry.section47.strategy_discussion_on:
            errors.add("held_on", "The conference cannot be before the strategy discussion")
        if entry.plan and held_on <= entry.plan.started_on:
            errors.add("held_on", "A review conference must be after the plan started")
    if (
        conference.kind == ConferenceKind.TRANSFER_IN
        and conference.transfer_notified_on
        and (held_on < conference.transfer_notified_on)
    ):
        errors.add("held_on", "The conference cannot be before the transfer was notified")
    errors.raise_if_any()

    transition(conference, ConferenceStatus.HELD)
    conference.held_on = held_on
    if chair is not None:
        conference.chair = chair
    conference.save()
    for child_pk, entry in entries.items():
        outcome = given[child_pk]
        entry.outcome = outcome.outcome
        if outcome.outcome == ConferenceOutcome.PLAN_STARTED:
            entry.plan = plan_record(
                child=entry.child, started_on=held_on, initial_category=outcome.category
            )
        entry.save()
        if entry.section47 is not None and entry.section47.concluded_on is None:
            entry.section47.concluded_on = held_on
            entry.section47.save(update_fields=["concluded_on"])
        if outcome.outcome == ConferenceOutcome.PLAN_ENDED:
            entry.plan.ended_on = held_on
            entry.plan.save(update_fields=["ended_on"])
        if entry.plan is not None:
            plan_schedule_refresh(plan=entry.plan)
    return conference


@transaction.atomic
def conference_cancel(*, conference: ChildProtectionConference, reason: str) -> None:
    errors = FieldErrors()
    if not reason.strip():
        errors.add("cancellation_reason", "Enter why the conference is cancelled")
    errors.raise_if_any()
    transition(conference, ConferenceStatus.CANCELLED)
    conference.cancellation_reason = reason
    conference.save()


def invitation_add(
    *,
    conference: ChildProtectionConference,
    name: str,
    kind: str,
    role: str,
    has_parental_responsibility: bool = False,
    invited_on: dt.date | None = None,
) -> ConferenceInvitation:
    errors = FieldErrors()
    if not name.strip():
        errors.add("name", "Enter the name of the person invited")
    if kind not in InvitationKind.values:
        errors.add("kind", "Choose family member or professional")
    if not role.strip():
        errors.add("role", "Enter their role or relationship to the child")
    errors.raise_if_any()
    return ConferenceInvitation.objects.create(
        conference=conference,
        name=name,
        kind=kind,
        role=role,
        has_parental_responsibility=has_parental_responsibility,
        invited_on=invited_on,
    )


def invitation_record_attendance(
    *, invitation: ConferenceInvitation, attendance: str, exclusion_reason: str = ""
) -> ConferenceInvitation:
    errors = FieldErrors()
    if attendance not in Attendance.values:
        errors.add("attendance", "Choose attended, sent apologies, did not attend or excluded")
    if attendance == Attendance.EXCLUDED and not exclusion_reason.strip():
        errors.add("exclusion_reason", "Enter why the person was excluded from the conference")
    errors.raise_if_any()
    invitation.attendance = attendance
    invitation.exclusion_reason = exclusion_reason if attendance == Attendance.EXCLUDED else ""
    invitation.save()
    return invitation


def conference_minutes_record(
    *, conference: ChildProtectionConference, minutes_sent_on: dt.date
) -> ChildProtectionConference:
    """Record the date a held conference's minutes were sent out."""
    errors = FieldErrors()
    not_in_future(errors, "minutes_sent_on", minutes_sent_on, "The date the minutes were sent")
    if conference.status != ConferenceStatus.HELD:
        errors.add("minutes_sent_on", "Record the outcome before the minutes")
    elif minutes_sent_on < conference.held_on:
        errors.add("minutes_sent_on", "The minutes cannot be sent before the conference")
    errors.raise_if_any()
    conference.minutes_sent_on = minutes_sent_on
    conference.save()
    return conference
