"""Writes for child protection: enquiries, conferences, outcomes, plans, invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import decisions
from core.codes import CategoryOfAbuse
from core.dates import WorkingCalendar, default_calendar, long_date
from core.history import ANONYMISED, anonymised_unless_blank, rows_scrub
from core.invitations import EMAIL_INVITED_TWICE as EMAIL_INVITED_TWICE  # tests read it here
from core.invitations import (
    INVITATION_WITHDRAWN,
    delivery_problems,
    invitation_anonymised,
    invitation_correct_row,
    invitation_new,
    invitation_queue_again,
    invitation_save,
    invitation_withdraw_row,
    invitee_problems,
)
from core.models import OutboxKind
from core.outbox import NewEvent, outbox_events_emit
from core.services import FieldErrors, not_in_future, rows_update, today, transition
from core.timescales import (
    DUE_FIELDS,
    NEXT_REVIEW_FIELDS,
    Timescales,
    default_timescales,
    due_stored,
)
from iro.models import Child, Family, IndependentReviewingOfficer
from protection.models import (
    Attendance,
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceDecision,
    ConferenceInvitation,
    ConferenceKind,
    ConferenceMove,
    ConferenceOutcome,
    ConferenceStatus,
    InvitationKind,
    Section47Enquiry,
    SendStatus,
    TransferIn,
)
from protection.rules import (
    PlanSchedule,
    before_birth,
    conference_before_enquiry,
    enquiry_before_referral,
    icpc_due,
    not_after_plan_start,
    plan_review_schedule,
    transfer_in_due,
)

if TYPE_CHECKING:
    from core.models import User


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
    icpc_fields = ("icpc_due", "icpc_due_reason", "icpc_due_rule")
    stale = [
        enquiry
        for enquiry in enquiries
        if due_stored(
            enquiry,
            icpc_due(enquiry.strategy_discussion_on, calendar=calendar, timescales=timescales),
            icpc_fields,
        )
    ]
    rows_update(stale, Section47Enquiry, list(icpc_fields))
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
    rows_update(entries, ConferenceChild, ["due_on", "due_reason", "due_rule"])


def _icpc_due_of(enquiry: Section47Enquiry) -> tuple[dt.date | None, str, str]:
    return enquiry.icpc_due, enquiry.icpc_due_reason, enquiry.icpc_due_rule


# Error messages the pages show and the tests import.
ENQUIRY_TWICE = "A section 47 enquiry from {date} is already recorded"
REFERRAL_IN_FUTURE = "The referral date must be today or in the past"
STRATEGY_IN_FUTURE = "The strategy discussion must be today or in the past"
TRANSFER_IN_FUTURE = "The date notified must be today or in the past"
TRANSFER_OPEN = "A transfer-in from {council}, notified on {date}, is already open for this child"
TRANSFER_ON_PLAN = "{name} is already on a child protection plan here"
ENTER_COUNCIL = "Enter the council the child is moving from"


def _date_problems(
    errors: FieldErrors, field: str, day: dt.date | None, label: str, child: Child
) -> None:
    """Not in the future, and not before a born child's birth (CIN census sense)."""
    if day is None:
        return
    if day > today():
        errors.add(field, f"{label} must be today or in the past")
    elif wrong := before_birth(day, date_of_birth=child.date_of_birth):
        errors.add(field, f"{label}: {wrong}")


def _enquiry_problems(
    errors: FieldErrors,
    *,
    child: Child,
    referral_on: dt.date | None,
    strategy_discussion_on: dt.date,
    other_than: Section47Enquiry | None = None,
) -> None:
    """What is wrong with an enquiry's dates: in the future, before the birth, the
    strategy discussion before the referral, or another enquiry's day."""
    _date_problems(errors, "referral_on", referral_on, "The referral date", child)
    _date_problems(
        errors, "strategy_discussion_on", strategy_discussion_on, "The strategy discussion", child
    )
    if referral_on is not None and (
        wrong := enquiry_before_referral(strategy_discussion_on, referral_on)
    ):
        errors.add("strategy_discussion_on", f"The strategy discussion: {wrong}")
    others = child.section47_enquiries.filter(strategy_discussion_on=strategy_discussion_on)
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    if others.exists():
        errors.add(
            "strategy_discussion_on", ENQUIRY_TWICE.format(date=long_date(strategy_discussion_on))
        )


@transaction.atomic
def section47_start(
    *,
    child: Child,
    strategy_discussion_on: dt.date,
    icpc_not_required: bool = False,
    referral_on: dt.date | None = None,
) -> Section47Enquiry:
    """Record a referral's strategy discussion and the section 47 enquiry it started; the
    initial conference falls due 15 working days later unless none is needed."""
    errors = FieldErrors()
    _enquiry_problems(
        errors, child=child, referral_on=referral_on, strategy_discussion_on=strategy_discussion_on
    )
    errors.raise_if_any()
    enquiry = Section47Enquiry.objects.create(
        child=child,
        referral_on=referral_on,
        strategy_discussion_on=strategy_discussion_on,
        icpc_not_required=icpc_not_required,
        concluded_on=strategy_discussion_on if icpc_not_required else None,
    )
    section47_schedule_refresh(enquiry=enquiry)
    return enquiry


@transaction.atomic
def transfer_in_notify(*, child: Child, notified_on: dt.date, from_council: str) -> TransferIn:
    """Record notice that a child on another council's plan is moving here: the
    transfer-in conference falls due 15 working days after it (local rule)."""
    errors = FieldErrors()
    _date_problems(errors, "notified_on", notified_on, "The date notified", child)
    if not from_council.strip():
        errors.add("from_council", ENTER_COUNCIL)
    open_transfer = child.transfers_in.filter(concluded_on__isnull=True).first()
    if open_transfer is not None:
        errors.add(
            "notified_on",
            TRANSFER_OPEN.format(
                council=open_transfer.from_council, date=long_date(open_transfer.notified_on)
            ),
        )
    if child.cp_plans.filter(ended_on__isnull=True).exists():
        errors.add("notified_on", TRANSFER_ON_PLAN.format(name=child.full_name))
    errors.raise_if_any()
    transfer = TransferIn(child=child, notified_on=notified_on, from_council=from_council.strip())
    _transfer_in_due_store(transfer)
    transfer.save()
    return transfer


def _transfer_in_due_store(transfer: TransferIn) -> None:
    """Set the transfer-in conference's due date, and why, from the notice (not saved)."""
    due = transfer_in_due(
        transfer.notified_on, calendar=default_calendar(), timescales=default_timescales()
    )
    transfer.conference_due = due.on
    transfer.conference_due_reason = due.reason
    transfer.conference_due_rule = due.rule


# Correcting and withdrawing what started the clock (issue 10) -------------------------

ENQUIRY_WITHDRAWN = "This section 47 enquiry was withdrawn ({reason}), so it cannot be changed"
HELD_BEFORE_STRATEGY = (
    "The initial conference was held on {date}: the strategy discussion cannot be after it"
)
BOOKED_BEFORE_STRATEGY = (
    "The initial conference is booked for {date}: move it before putting the strategy "
    "discussion after it"
)
HELD_SO_NEEDED = "An initial conference was held on {date}, so it cannot be recorded as not needed"
BOOKED_SO_NEEDED = (
    "An initial conference is booked for {date}: cancel it before recording that none is needed"
)
CONCLUDED_BEFORE_STRATEGY = (
    "The enquiry concluded on {date}: the strategy discussion cannot be after it"
)
ENQUIRY_UNCHANGED = "Nothing has changed: change a date or the answer to correct the enquiry"
WITHDRAW_AFTER_ICPC = (
    "An initial conference was held on this enquiry on {date}, so it cannot be withdrawn: "
    "correct it instead"
)
WITHDRAW_WHILE_BOOKED = (
    "An initial conference is booked on this enquiry for {date}: cancel the conference "
    "before withdrawing the enquiry"
)
TRANSFER_HELD_BEFORE = (
    "The transfer-in conference was held on {date}: the notice cannot be after it"
)
TRANSFER_BOOKED_BEFORE = (
    "The transfer-in conference is booked for {date}: move it before putting the notice after it"
)
TRANSFER_UNCHANGED = "Nothing has changed: change the date or the council to correct it"


def _initial_conferences(
    enquiry: Section47Enquiry, *, places: list[ConferenceChild] | None = None
) -> tuple[list[ConferenceChild], list[ConferenceChild]]:
    """The enquiry's initial conferences held, and booked (cancelled ones do not count);
    `places` the child's places at conferences with their conferences, if already read
    (protection.selectors.child_conferences)."""
    if places is None:
        entries = list(
            ConferenceChild.objects.filter(
                section47=enquiry, conference__kind=ConferenceKind.INITIAL
            ).select_related("conference")
        )
    else:
        entries = [
            e
            for e in places
            if e.section47_id == enquiry.pk and e.conference.kind == ConferenceKind.INITIAL
        ]
    held = [e for e in entries if e.conference.status == ConferenceStatus.HELD]
    booked = [e for e in entries if e.conference.status == ConferenceStatus.SCHEDULED]
    return held, booked


def _booked_day(entry: ConferenceChild) -> dt.date | None:
    when = entry.conference.scheduled_for
    return timezone.localtime(when).date() if when else None


def section47_withdraw_problem(
    enquiry: Section47Enquiry, *, places: list[ConferenceChild] | None = None
) -> str | None:
    """Why an enquiry cannot be withdrawn (an initial conference held or booked on it, or
    it is withdrawn already), or None; `places` as `_initial_conferences` takes them."""
    if enquiry.is_withdrawn:
        return ENQUIRY_WITHDRAWN.format(reason=enquiry.withdrawn_reason)
    held, booked = _initial_conferences(enquiry, places=places)
    if held and (day := held[0].conference.held_on):
        return WITHDRAW_AFTER_ICPC.format(date=long_date(day))
    if booked:
        day = _booked_day(booked[0])
        return WITHDRAW_WHILE_BOOKED.format(date=long_date(day) if day else "no date yet")
    return None


@transaction.atomic
def section47_correct(
    *,
    enquiry: Section47Enquiry,
    referral_on: dt.date | None,
    strategy_discussion_on: dt.date,
    icpc_not_required: bool,
    reason: str,
    by: User | None = None,
) -> Section47Enquiry:
    """Correct a referral's dates, the strategy discussion (the section 47 start) or
    whether an initial conference is needed, saying why (kept in the history); the
    conference's due date is worked out again. Refused when an initial conference
    already held (or booked) would come before the corrected strategy discussion."""
    enquiry = Section47Enquiry.all_objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.is_withdrawn:
        raise ValidationError(ENQUIRY_WITHDRAWN.format(reason=enquiry.withdrawn_reason))
    child = enquiry.child
    errors = FieldErrors()
    _enquiry_problems(
        errors,
        child=child,
        referral_on=referral_on,
        strategy_discussion_on=strategy_discussion_on,
        other_than=enquiry,
    )
    held, booked = _initial_conferences(enquiry)
    for entry in held:
        day = entry.conference.held_on
        assert day is not None  # a held conference has its date (a constraint)
        if conference_before_enquiry(day, strategy_discussion_on):
            errors.add("strategy_discussion_on", HELD_BEFORE_STRATEGY.format(date=long_date(day)))
        if icpc_not_required:
            errors.add("icpc_not_required", HELD_SO_NEEDED.format(date=long_date(day)))
    for entry in booked:
        day = _booked_day(entry)
        if day and conference_before_enquiry(day, strategy_discussion_on):
            errors.add("strategy_discussion_on", BOOKED_BEFORE_STRATEGY.format(date=long_date(day)))
        if icpc_not_required:
            when = long_date(day) if day else "no date yet"
            errors.add("icpc_not_required", BOOKED_SO_NEEDED.format(date=when))
    concluded = enquiry.concluded_on
    if not held:
        if icpc_not_required and (
            not enquiry.icpc_not_required or concluded == enquiry.strategy_discussion_on
        ):
            concluded = strategy_discussion_on  # no conference: it ends where it started
        elif not icpc_not_required and enquiry.icpc_not_required:
            concluded = None  # a conference is needed after all: its clock runs again
    if concluded is not None and concluded < strategy_discussion_on:
        errors.add(
            "strategy_discussion_on", CONCLUDED_BEFORE_STRATEGY.format(date=long_date(concluded))
        )
    decisions.reason_problem(errors, reason)
    if (referral_on, strategy_discussion_on, icpc_not_required) == (
        enquiry.referral_on,
        enquiry.strategy_discussion_on,
        enquiry.icpc_not_required,
    ):
        errors.add("strategy_discussion_on", ENQUIRY_UNCHANGED)
    errors.raise_if_any()
    enquiry.referral_on = referral_on
    enquiry.strategy_discussion_on = strategy_discussion_on
    enquiry.icpc_not_required = icpc_not_required
    enquiry.concluded_on = concluded
    due = icpc_due(
        strategy_discussion_on, calendar=default_calendar(), timescales=default_timescales()
    )
    # Stored before saving, so the history entry shows the due date the correction gave.
    enquiry.icpc_due, enquiry.icpc_due_reason, enquiry.icpc_due_rule = due.on, due.reason, due.rule
    decisions.history_note(enquiry, by=by, reason=reason.strip())
    enquiry.save()
    section47_schedule_refresh(enquiry=enquiry)  # the conferences answering it
    return enquiry


@transaction.atomic
def section47_withdraw(
    *, enquiry: Section47Enquiry, reason: str, by: User | None = None
) -> Section47Enquiry:
    """Withdraw a referral and section 47 enquiry entered in error: kept, with who and
    why, but counted nowhere and no conference falls due. Not once an initial
    conference has been held on it (or while one is booked)."""
    enquiry = Section47Enquiry.all_objects.select_for_update().get(pk=enquiry.pk)
    if problem := section47_withdraw_problem(enquiry):
        raise ValidationError({"reason": problem})
    return decisions.withdraw(enquiry, reason=reason, by=by)


# Reinstating's refusals; tests import them.
ENQUIRY_NOT_WITHDRAWN = "This section 47 enquiry is not withdrawn"
ENQUIRY_ALREADY_ON_DAY = (
    "{child} already has a section 47 enquiry from a strategy discussion on {date}"
)


@transaction.atomic
def section47_reinstate(
    *, enquiry: Section47Enquiry, reason: str, by: User | None = None
) -> Section47Enquiry:
    """Bring back a withdrawn enquiry, saying why (a return holds it after all, and a
    person has taken the return's word: returns.services.import_disagreement_resolve):
    counted again, its initial conference due date worked out again, the withdrawal kept
    in the history."""
    enquiry = Section47Enquiry.all_objects.select_for_update().get(pk=enquiry.pk)
    errors = FieldErrors()
    if not enquiry.is_withdrawn:
        errors.add("reason", ENQUIRY_NOT_WITHDRAWN)
    elif Section47Enquiry.objects.filter(
        child=enquiry.child_id, strategy_discussion_on=enquiry.strategy_discussion_on
    ).exists():
        errors.add(
            "reason",
            ENQUIRY_ALREADY_ON_DAY.format(
                child=enquiry.child.full_name, date=long_date(enquiry.strategy_discussion_on)
            ),
        )
    decisions.reason_problem(errors, reason)
    errors.raise_if_any()
    enquiry.withdrawn_at = None
    enquiry.withdrawn_reason = ""
    enquiry.withdrawn_by = None
    decisions.history_note(enquiry, by=by, reason=f"Reinstated: {reason.strip()}")
    enquiry.save()
    section47_schedule_refresh(enquiry=enquiry)
    return enquiry


def _transfer_in_conferences(transfer: TransferIn) -> list[ConferenceChild]:
    """The child's transfer-in conferences that answer this transfer: booked, or held on
    the day it concluded."""
    entries = ConferenceChild.objects.filter(
        child=transfer.child, conference__kind=ConferenceKind.TRANSFER_IN
    ).select_related("conference")
    return [
        e
        for e in entries
        if e.conference.status == ConferenceStatus.SCHEDULED
        or (
            e.conference.status == ConferenceStatus.HELD
            and e.conference.held_on == transfer.concluded_on
        )
    ]


@transaction.atomic
def transfer_in_correct(
    *,
    transfer: TransferIn,
    notified_on: dt.date,
    from_council: str,
    reason: str,
    by: User | None = None,
) -> TransferIn:
    """Correct a transfer-in notice's date or the council the child is moving from,
    saying why (kept in the history); the transfer-in conference's due date is worked
    out again, for the notice and for the conference answering it."""
    transfer = TransferIn.objects.select_for_update().select_related("child").get(pk=transfer.pk)
    errors = FieldErrors()
    _date_problems(errors, "notified_on", notified_on, "The date notified", transfer.child)
    if not from_council.strip():
        errors.add("from_council", ENTER_COUNCIL)
    entries = _transfer_in_conferences(transfer)
    for entry in entries:
        conference = entry.conference
        if conference.status == ConferenceStatus.HELD:
            assert conference.held_on is not None
            if conference.held_on < notified_on:
                errors.add(
                    "notified_on", TRANSFER_HELD_BEFORE.format(date=long_date(conference.held_on))
                )
        elif (day := _booked_day(entry)) and day < notified_on:
            errors.add("notified_on", TRANSFER_BOOKED_BEFORE.format(date=long_date(day)))
    decisions.reason_problem(errors, reason)
    if (notified_on, from_council.strip()) == (transfer.notified_on, transfer.from_council):
        errors.add("notified_on", TRANSFER_UNCHANGED)
    errors.raise_if_any()
    before = transfer.notified_on
    transfer.notified_on = notified_on
    transfer.from_council = from_council.strip()
    _transfer_in_due_store(transfer)
    decisions.history_note(transfer, by=by, reason=reason.strip())
    transfer.save()
    owed = (transfer.conference_due, transfer.conference_due_reason, transfer.conference_due_rule)
    for entry in entries:
        conference = entry.conference
        if conference.transfer_notified_on == before:
            conference.transfer_notified_on = notified_on
            decisions.history_note(conference, by=by, reason=f"Transfer corrected: {reason}")
            conference.save()
        if (entry.due_on, entry.due_reason, entry.due_rule) != owed:
            entry.due_on, entry.due_reason, entry.due_rule = owed
            entry.save(update_fields=["due_on", "due_reason", "due_rule"])
    return transfer


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
        stale_entries += [
            entry
            for entry in plan_entries
            if due_stored(entry, by_day[entry.conference.held_on].due)
        ]
        if due_stored(plan, schedule.next_due, NEXT_REVIEW_FIELDS):
            stale_plans.append(plan)
        schedules[plan.pk] = schedule
    # Only rows whose due date moved are written: a re-import changes nothing.
    rows_update(stale_entries, ConferenceChild, list(DUE_FIELDS))
    rows_update(stale_plans, ChildProtectionPlan, list(NEXT_REVIEW_FIELDS))
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


ALREADY_BOOKED = "{name} already has {kind} conference booked for {date}"
BOOKED_BEFORE_ENQUIRY = (
    "The date must be on or after the strategy discussion that started {name}'s section 47 "
    "enquiry, {date}"
)
BOOKED_BEFORE_TRANSFER = "The date must be on or after the transfer was notified for {name}, {date}"
BOOKED_BEFORE_PLAN = "The date must be after {name}'s plan started, {date}"
DEPUTY_IS_CHAIR = "Choose a deputy other than the chair, or leave it empty"
NO_TRANSFER = "Enter when the transfer was notified: {name} has no transfer in recorded"


def _a(label: str) -> str:
    return f"a{'n' if label[:1] in 'aeiou' else ''} {label}"


def conferences_already_booked(*, children: Sequence[Child], kind: str) -> list[ConferenceChild]:
    """The chosen children's booked (not yet held) conferences of this kind."""
    return list(
        ConferenceChild.objects.filter(
            child__in=list(children),
            conference__kind=kind,
            conference__status=ConferenceStatus.SCHEDULED,
        )
        .select_related("child", "conference")
        .order_by("conference__scheduled_for", "child__child_id")
    )


def _open_transfer(child: Child) -> TransferIn | None:
    return child.transfers_in.filter(concluded_on__isnull=True).first()


def conference_due_for(*, kind: str, child: Child) -> tuple[dt.date | None, str, str] | None:
    """When a conference of this kind is due for the child, and why (the stored dates)."""
    if kind == ConferenceKind.INITIAL:
        enquiry = (
            child.section47_enquiries.filter(concluded_on__isnull=True)
            .order_by("-strategy_discussion_on")
            .first()
        )
        return _icpc_due_of(enquiry) if enquiry else None
    if kind == ConferenceKind.REVIEW:
        plan = child.cp_plans.filter(ended_on__isnull=True).first()
        if plan is None:
            return None
        return plan.next_review_due, plan.next_review_reason, plan.next_review_rule
    transfer = _open_transfer(child)
    if transfer is None:
        return None
    return transfer.conference_due, transfer.conference_due_reason, transfer.conference_due_rule


@transaction.atomic
def conference_book(
    *,
    kind: str,
    children: Sequence[Child],
    scheduled_for: dt.datetime,
    venue: str,
    chair: IndependentReviewingOfficer | None = None,
    deputy_chair: IndependentReviewingOfficer | None = None,
    family: Family | None = None,
    transfer_notified_on: dt.date | None = None,
    booking_warnings: Sequence[str] = (),
) -> ChildProtectionConference:
    """Book a conference for one child or a sibling group, as one meeting.

    Refused for a child who already has a conference of this kind booked, and for a date
    before the event that started the clock (the strategy discussion, the notice of the
    transfer, the plan's start). The warnings the person confirmed are kept with it.
    """
    errors = FieldErrors()
    if kind not in ConferenceKind.values:
        errors.add("kind", "Choose initial, transfer-in or review")
    if not children:
        errors.add("children", "Choose at least one child")
    if not venue.strip():
        errors.add("venue", "Enter where the conference will be held")
    if len({c.pk for c in children}) != len(children):
        errors.add("children", "Each child can be listed only once")
    if deputy_chair is not None and chair is not None and deputy_chair.pk == chair.pk:
        errors.add("deputy_chair", DEPUTY_IS_CHAIR)
    label = ConferenceKind(kind).label.lower() if kind in ConferenceKind.values else "a"
    for entry in conferences_already_booked(children=children, kind=kind):
        when = entry.conference.scheduled_for
        errors.add(
            "children",
            ALREADY_BOOKED.format(
                name=entry.child.full_name,
                kind=_a(label),
                date=long_date(timezone.localtime(when).date()) if when else "no date yet",
            ),
        )
    day = timezone.localtime(scheduled_for).date()
    entries = []
    for child in children:
        enquiry = plan = transfer = None
        if kind == ConferenceKind.INITIAL:
            enquiry = (
                child.section47_enquiries.filter(concluded_on__isnull=True)
                .order_by("-strategy_discussion_on")
                .first()
            )
            if enquiry is None:
                errors.add("children", f"{child.child_id} has no open section 47 enquiry")
            elif conference_before_enquiry(day, enquiry.strategy_discussion_on):
                errors.add(
                    "date",
                    BOOKED_BEFORE_ENQUIRY.format(
                        name=child.full_name, date=long_date(enquiry.strategy_discussion_on)
                    ),
                )
        elif kind == ConferenceKind.REVIEW:
            plan = child.cp_plans.filter(ended_on__isnull=True).first()
            if plan is None:
                errors.add("children", f"{child.child_id} is not on a child protection plan")
            elif not_after_plan_start(day, plan.started_on):
                errors.add(
                    "date",
                    BOOKED_BEFORE_PLAN.format(
                        name=child.full_name, date=long_date(plan.started_on)
                    ),
                )
        elif kind == ConferenceKind.TRANSFER_IN:
            transfer = _open_transfer(child)
            notified = transfer.notified_on if transfer else transfer_notified_on
            if notified is None:
                errors.add("transfer_notified_on", NO_TRANSFER.format(name=child.full_name))
            elif day < notified:
                errors.add(
                    "date",
                    BOOKED_BEFORE_TRANSFER.format(name=child.full_name, date=long_date(notified)),
                )
            elif transfer_notified_on is None or notified < transfer_notified_on:
                transfer_notified_on = notified
        entries.append((child, enquiry, plan, transfer))
    errors.raise_if_any()

    conference = ChildProtectionConference.objects.create(
        kind=kind,
        family=family,
        scheduled_for=scheduled_for,
        venue=venue,
        chair=chair,
        deputy_chair=deputy_chair,
        transfer_notified_on=transfer_notified_on,
        booking_warnings=list(booking_warnings),
    )
    for child, enquiry, plan, transfer in entries:
        due = None
        if enquiry is not None:
            due = _icpc_due_of(enquiry)
        elif plan is not None:
            due = (plan.next_review_due, plan.next_review_reason, plan.next_review_rule)
        elif transfer is not None:
            due = (
                transfer.conference_due,
                transfer.conference_due_reason,
                transfer.conference_due_rule,
            )
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
    if conference.kind == ConferenceKind.TRANSFER_IN:
        TransferIn.objects.filter(
            child__in=[e.child for e in entries.values()], concluded_on__isnull=True
        ).update(concluded_on=held_on)
    _outcomes_announce(conference, list(entries.values()))
    return conference


def _outcomes_announce(
    conference: ChildProtectionConference, entries: Sequence[ConferenceChild]
) -> None:
    """Tell the council's system (the outbox) each child's outcome of a conference held,
    once per child and conference (a correction later tells nothing)."""
    outbox_events_emit(
        events=[
            NewEvent(
                OutboxKind.CONFERENCE_OUTCOME_RECORDED,
                f"conference.outcome_recorded:{conference.pk}:{entry.pk}",
                ConferenceChild._meta.label_lower,
                entry.pk,
                child_ref=entry.child.child_id,
                payload={
                    "conference_id": conference.pk,
                    "conference_kind": conference.kind,
                    "held_on": conference.held_on,
                    "outcome": entry.outcome,
                    "plan_id": entry.plan_id,
                    "category": entry.plan.initial_category if entry.plan else None,
                },
            )
            for entry in sorted(entries, key=lambda e: e.child.child_id)
        ]
    )


OUTCOME_NOT_HELD = "Only a conference that has been held has an outcome to correct"
OUTCOME_UNCHANGED = "Nothing has changed: change the date, an outcome or a category to correct it"
PLAN_HAS_REVIEWS = (
    "{name}'s plan has had a review conference, on {date}: the plan it started cannot be "
    "removed or start after that"
)
PLAN_REVIEWED_LATER = (
    "{name}'s plan had a review conference after this one, on {date}, so it cannot have ended here"
)
OTHER_OPEN_PLAN = "{name} is on another child protection plan, from {date}"
DECISION_BEFORE_HELD = "A decision of this conference is due on {date}, before that date"
MINUTES_BEFORE_HELD = "The minutes were sent on {date}, before that date"
REPORTS_AFTER_HELD = "The reports were all in on {date}, after that date"


def _reviews_of(plan: ChildProtectionPlan, *, other_than: ChildProtectionConference) -> list:
    """The days a plan's other review conferences were held, in order."""
    return sorted(
        day
        for day in ConferenceChild.objects.filter(
            plan=plan,
            conference__kind=ConferenceKind.REVIEW,
            conference__status=ConferenceStatus.HELD,
        )
        .exclude(conference=other_than)
        .values_list("conference__held_on", flat=True)
        if day is not None
    )


def _outcome_problems(
    errors: FieldErrors,
    conference: ChildProtectionConference,
    *,
    held_on: dt.date,
    entries: dict[int, ConferenceChild],
    given: dict[int, ChildOutcome],
) -> None:
    """What is wrong with a held conference's corrected date and outcomes."""
    not_in_future(errors, "held_on", held_on, "The conference date")
    if conference.minutes_sent_on and conference.minutes_sent_on < held_on:
        errors.add(
            "held_on", MINUTES_BEFORE_HELD.format(date=long_date(conference.minutes_sent_on))
        )
    if conference.reports_in_on and conference.reports_in_on > held_on:
        errors.add("held_on", REPORTS_AFTER_HELD.format(date=long_date(conference.reports_in_on)))
    early = conference.decisions.filter(due_on__lt=held_on).order_by("due_on").first()
    if early is not None:
        errors.add("held_on", DECISION_BEFORE_HELD.format(date=long_date(early.due_on)))
    review = conference.kind == ConferenceKind.REVIEW
    allowed = (
        {ConferenceOutcome.PLAN_CONTINUED, ConferenceOutcome.PLAN_ENDED}
        if review
        else {ConferenceOutcome.PLAN_STARTED, ConferenceOutcome.NO_PLAN}
    )
    for child_pk, entry in entries.items():
        child, outcome = entry.child, given.get(child_pk)
        field = f"outcome-{child.child_id}"
        if outcome is None or outcome.outcome not in allowed:
            errors.add(field, f"Choose the outcome of the conference for {child.full_name}")
            continue
        if entry.section47 and conference_before_enquiry(
            held_on, entry.section47.strategy_discussion_on
        ):
            errors.add("held_on", "The conference cannot be before the strategy discussion")
        if conference.kind == ConferenceKind.TRANSFER_IN and (
            conference.transfer_notified_on and held_on < conference.transfer_notified_on
        ):
            errors.add("held_on", "The conference cannot be before the transfer was notified")
        plan = entry.plan
        if review:
            if plan is None:  # a review conference loaded without its plan
                errors.add(field, f"No plan is recorded for {child.full_name} at this review")
                continue
            if not_after_plan_start(held_on, plan.started_on):
                errors.add("held_on", "A review conference must be after the plan started")
            later = [d for d in _reviews_of(plan, other_than=conference) if d > held_on]
            if outcome.outcome == ConferenceOutcome.PLAN_ENDED and later:
                errors.add(
                    field,
                    PLAN_REVIEWED_LATER.format(name=child.full_name, date=long_date(later[0])),
                )
            reopened = entry.outcome == ConferenceOutcome.PLAN_ENDED
            if outcome.outcome == ConferenceOutcome.PLAN_CONTINUED and reopened:
                other = child.cp_plans.filter(ended_on__isnull=True).exclude(pk=plan.pk).first()
                if other is not None:
                    errors.add(
                        field,
                        OTHER_OPEN_PLAN.format(
                            name=child.full_name, date=long_date(other.started_on)
                        ),
                    )
            continue
        started = outcome.outcome == ConferenceOutcome.PLAN_STARTED
        if started and outcome.category not in CategoryOfAbuse.values:
            errors.add(
                f"category-{child.child_id}",
                f"Choose the category of abuse for {child.full_name}'s plan",
            )
        if plan is not None:
            reviews = _reviews_of(plan, other_than=conference)
            if reviews and (not started or held_on >= reviews[0]):
                errors.add(
                    field, PLAN_HAS_REVIEWS.format(name=child.full_name, date=long_date(reviews[0]))
                )
            if started:
                for problem in plan_problems(
                    child=child,
                    started_on=held_on,
                    ended_on=plan.ended_on,
                    initial_category=outcome.category or plan.initial_category,
                    latest_category=plan.latest_category,
                    exclude_pk=plan.pk,
                ).errors.values():
                    for text in problem:
                        errors.add("held_on", text)
        elif started:
            other = child.cp_plans.filter(ended_on__isnull=True).first()
            if other is not None:
                errors.add(
                    field,
                    OTHER_OPEN_PLAN.format(name=child.full_name, date=long_date(other.started_on)),
                )


@transaction.atomic
def conference_outcome_correct(
    *,
    conference: ChildProtectionConference,
    held_on: dt.date,
    outcomes: Sequence[ChildOutcome],
    reason: str,
    by: User | None = None,
) -> ChildProtectionConference:
    """Correct a held conference's date and what it decided for each child (whether a
    plan started or ended, its category), saying why, kept in the history of the
    conference, each child's entry and each plan. The plans' start and end follow the
    conference's date, and the review conferences' due dates are worked out again
    (plan_schedule_refresh). A plan started in error is removed with the reason in its
    history, unless it has had a review conference."""
    conference = ChildProtectionConference.objects.select_for_update().get(pk=conference.pk)
    if conference.status != ConferenceStatus.HELD:
        raise ValidationError({"held_on": OUTCOME_NOT_HELD})
    entries = {
        e.child_id: e for e in conference.covered.select_related("child", "section47", "plan")
    }
    given = {o.child.pk: o for o in outcomes}
    errors = FieldErrors()
    _outcome_problems(errors, conference, held_on=held_on, entries=entries, given=given)
    decisions.reason_problem(errors, reason)
    unchanged = held_on == conference.held_on and all(
        given[pk].outcome == e.outcome
        and (
            e.outcome != ConferenceOutcome.PLAN_STARTED
            or e.plan is None
            or given[pk].category == e.plan.initial_category
        )
        for pk, e in entries.items()
        if pk in given
    )
    if unchanged:
        errors.add("held_on", OUTCOME_UNCHANGED)
    errors.raise_if_any()
    before = conference.held_on
    note = reason.strip()
    conference.held_on = held_on
    decisions.history_note(conference, by=by, reason=note)
    conference.save()
    refresh: list[ChildProtectionPlan] = []
    for child_pk, entry in entries.items():
        outcome, plan = given[child_pk], entry.plan
        if conference.kind == ConferenceKind.REVIEW:
            assert plan is not None
            if outcome.outcome == ConferenceOutcome.PLAN_ENDED:
                plan.ended_on = held_on
            elif entry.outcome == ConferenceOutcome.PLAN_ENDED:
                plan.ended_on = None  # it did not end here after all (nor later: checked)
            decisions.history_note(plan, by=by, reason=note)
            plan.save()
            refresh.append(plan)
        elif outcome.outcome == ConferenceOutcome.PLAN_STARTED:
            if plan is None:
                plan = plan_record(
                    child=entry.child, started_on=held_on, initial_category=outcome.category
                )
            else:
                if plan.latest_category == plan.initial_category:
                    plan.latest_category = outcome.category
                plan.initial_category = outcome.category
                plan.started_on = held_on
                decisions.history_note(plan, by=by, reason=note)
                plan.save()
                refresh.append(plan)
            entry.plan = plan
        elif plan is not None:  # a plan started in error: removed, its history kept
            entry.plan = None
            decisions.history_note(plan, by=by, reason=f"Removed: {note}")
            plan.delete()
        entry.outcome = outcome.outcome
        decisions.history_note(entry, by=by, reason=note)
        entry.save()
        enquiry = entry.section47
        if enquiry is not None and enquiry.concluded_on == before:
            enquiry.concluded_on = held_on
            decisions.history_note(enquiry, by=by, reason=f"Conference corrected: {note}")
            enquiry.save(update_fields=["concluded_on", "updated_at"])
    if conference.kind == ConferenceKind.TRANSFER_IN:
        for transfer in TransferIn.objects.filter(
            child__in=[e.child for e in entries.values()], concluded_on=before
        ):
            transfer.concluded_on = held_on
            decisions.history_note(transfer, by=by, reason=f"Conference corrected: {note}")
            transfer.save(update_fields=["concluded_on", "updated_at"])
    if refresh:
        plan_schedules_refresh(plans=refresh)
    return conference


CONFERENCE_CANCELLED = "This conference was cancelled ({reason}), so it cannot be changed"
CONFERENCE_HELD = "This conference has been held, so it cannot be moved or cancelled"
ENTER_MOVE_REASON = "Enter why the conference is moving"
MOVE_CHANGES_NOTHING = "Change the date, time, venue or chair, or go back"


def conference_closed_problem(conference: ChildProtectionConference) -> str | None:
    """Why nothing more may be recorded about a conference (it was cancelled), or None."""
    if conference.status == ConferenceStatus.CANCELLED:
        return CONFERENCE_CANCELLED.format(reason=conference.cancellation_reason)
    return None


def _refuse_if_closed(conference: ChildProtectionConference, field: str = "status") -> None:
    if problem := conference_closed_problem(conference):
        raise ValidationError({field: problem})


@transaction.atomic
def conference_reschedule(
    *,
    conference: ChildProtectionConference,
    scheduled_for: dt.datetime,
    venue: str,
    chair: IndependentReviewingOfficer | None,
    reason: str,
    moved_by: User | None,
    booking_warnings: Sequence[str] = (),
) -> ConferenceMove:
    """Move a booked conference to another time, place or chair, keeping its invitations
    and attendance, and record who moved it, when, from what and why."""
    conference = ChildProtectionConference.objects.select_for_update().get(pk=conference.pk)
    _refuse_if_closed(conference)
    errors = FieldErrors()
    if conference.status == ConferenceStatus.HELD:
        errors.add("status", CONFERENCE_HELD)
    if not reason.strip():
        errors.add("reason", ENTER_MOVE_REASON)
    if not venue.strip():
        errors.add("venue", "Enter where the conference will be held")
    day = timezone.localtime(scheduled_for).date()
    for entry in conference.covered.select_related("child", "section47", "plan"):
        if entry.section47 and conference_before_enquiry(
            day, entry.section47.strategy_discussion_on
        ):
            errors.add(
                "date",
                BOOKED_BEFORE_ENQUIRY.format(
                    name=entry.child.full_name,
                    date=long_date(entry.section47.strategy_discussion_on),
                ),
            )
    if conference.transfer_notified_on and day < conference.transfer_notified_on:
        errors.add(
            "date",
            BOOKED_BEFORE_TRANSFER.format(
                name="the children", date=long_date(conference.transfer_notified_on)
            ),
        )
    if (scheduled_for, venue.strip(), chair.pk if chair else None) == (
        conference.scheduled_for,
        conference.venue,
        conference.chair_id,
    ):
        errors.add("date", MOVE_CHANGES_NOTHING)
    errors.raise_if_any()
    move = ConferenceMove.objects.create(
        conference=conference,
        moved_by=moved_by,
        from_scheduled_for=conference.scheduled_for,
        from_venue=conference.venue,
        from_chair=conference.chair,
        to_scheduled_for=scheduled_for,
        to_venue=venue.strip(),
        reason=reason.strip(),
    )
    conference.scheduled_for = scheduled_for
    conference.venue = venue.strip()
    conference.chair = chair
    conference.booking_warnings = list(booking_warnings)
    conference._change_reason = f"Moved: {reason.strip()}"  # type: ignore[attr-defined]
    conference.save()
    return move


@transaction.atomic
def conference_cancel(*, conference: ChildProtectionConference, reason: str) -> None:
    errors = FieldErrors()
    if conference.status == ConferenceStatus.HELD:
        errors.add("status", CONFERENCE_HELD)
    _refuse_if_closed(conference)
    if not reason.strip():
        errors.add("cancellation_reason", "Enter why the conference is cancelled")
    errors.raise_if_any()
    transition(conference, ConferenceStatus.CANCELLED)
    conference.cancellation_reason = reason.strip()
    conference.save()
    # Nobody is left waiting for an email about a meeting that will not happen.
    conference.invitations.filter(send_status=SendStatus.QUEUED).update(
        send_status=SendStatus.NOT_SENT
    )


INVITED_TWICE = "{name} is already invited to this conference"
INVITED_AFTER_CONFERENCE = "The date invited must be on or before the conference, {date}"
ATTENDANCE_TOO_EARLY = "Attendance can be recorded once the conference has taken place ({date})"


def _invitation_problems(
    *,
    conference: ChildProtectionConference,
    name: str,
    kind: str,
    role: str,
    delivery: str,
    email: str,
    address: str,
    invited_on: dt.date | None,
    exclude_pk: int | None = None,
) -> FieldErrors:
    errors = FieldErrors()
    if problem := conference_closed_problem(conference):
        errors.add("name", problem)
    if kind not in InvitationKind.values:
        errors.add("kind", "Choose family member or professional")
    delivery_problems(errors, delivery=delivery, email=email, address=address)
    not_in_future(errors, "invited_on", invited_on, "The date invited")
    starts = conference.scheduled_for
    if invited_on and starts and invited_on > timezone.localtime(starts).date():
        errors.add(
            "invited_on",
            INVITED_AFTER_CONFERENCE.format(date=long_date(timezone.localtime(starts).date())),
        )
    others = conference.invitations.filter(withdrawn_on__isnull=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    invitee_problems(
        errors, name=name, role=role, email=email, others=others, invited_twice=INVITED_TWICE
    )
    return errors


def _save_invitation(invitation: ConferenceInvitation) -> None:
    invitation_save(invitation, invited_twice=INVITED_TWICE)


@transaction.atomic
def invitation_add(
    *,
    conference: ChildProtectionConference,
    name: str,
    kind: str,
    role: str,
    has_parental_responsibility: bool = False,
    invited_on: dt.date | None = None,
    delivery: str = "",
    email: str = "",
    address: str = "",
) -> ConferenceInvitation:
    """Invite one person to a conference, once; an email invitation is queued to send
    (protection.tasks.invitation_send), a letter is ready to print from the page."""
    email = email.strip().lower()
    errors = _invitation_problems(
        conference=conference,
        name=name,
        kind=kind,
        role=role,
        delivery=delivery,
        email=email,
        address=address,
        invited_on=invited_on,
    )
    errors.raise_if_any()
    invitation = invitation_new(
        ConferenceInvitation,
        name=name,
        role=role,
        delivery=delivery,
        email=email,
        address=address,
        conference=conference,
        kind=kind,
        has_parental_responsibility=has_parental_responsibility,
        invited_on=invited_on,
    )
    _save_invitation(invitation)
    if invitation.send_status == SendStatus.QUEUED:
        _enqueue_send(invitation)
    return invitation


def _enqueue_send(invitation: ConferenceInvitation) -> None:
    from protection.tasks import invitation_send

    pk = invitation.pk
    transaction.on_commit(lambda: invitation_send.delay(pk))


@transaction.atomic
def invitation_correct(
    *,
    invitation: ConferenceInvitation,
    name: str,
    kind: str,
    role: str,
    has_parental_responsibility: bool,
    delivery: str,
    email: str,
    address: str,
    reason: str,
) -> ConferenceInvitation:
    """Correct an invitation, with the reason kept in its history; a corrected email
    address is sent to afresh (core.invitations.invitation_correct_row)."""
    conference = invitation.conference
    errors = FieldErrors()
    if problem := conference_closed_problem(conference):
        errors.add("name", problem)
    if kind not in InvitationKind.values:
        errors.add("kind", "Choose family member or professional")
    queued = invitation_correct_row(
        invitation,
        errors=errors,
        name=name,
        role=role,
        delivery=delivery,
        email=email,
        address=address,
        reason=reason,
        others=conference.invitations.filter(withdrawn_on__isnull=True),
        invited_twice=INVITED_TWICE,
        kind=kind,
        has_parental_responsibility=has_parental_responsibility,
    )
    if queued:
        _enqueue_send(invitation)
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: ConferenceInvitation, reason: str) -> ConferenceInvitation:
    """Withdraw an invitation: kept, with the reason, never deleted; nothing more is sent."""
    return invitation_withdraw_row(invitation, reason=reason)


def attendance_too_early(conference: ChildProtectionConference) -> str | None:
    """Why attendance cannot be recorded yet (the conference has not happened), or None."""
    if conference.status == ConferenceStatus.HELD:
        return None
    starts = conference.scheduled_for
    if starts is None or starts > timezone.now():
        when = long_date(timezone.localtime(starts).date()) if starts else "not booked"
        return ATTENDANCE_TOO_EARLY.format(date=when)
    return None


def invitation_record_attendance(
    *, invitation: ConferenceInvitation, attendance: str, exclusion_reason: str = ""
) -> ConferenceInvitation:
    errors = FieldErrors()
    conference = invitation.conference
    if problem := conference_closed_problem(conference) or attendance_too_early(conference):
        errors.add("attendance", problem)
    if invitation.withdrawn:
        errors.add("attendance", INVITATION_WITHDRAWN.format(reason=invitation.withdrawn_reason))
    if attendance not in Attendance.values:
        errors.add("attendance", "Choose attended, sent apologies, did not attend or excluded")
    if attendance == Attendance.EXCLUDED and not exclusion_reason.strip():
        errors.add("exclusion_reason", "Enter why the person was excluded from the conference")
    errors.raise_if_any()
    invitation.attendance = attendance
    invitation.exclusion_reason = exclusion_reason if attendance == Attendance.EXCLUDED else ""
    invitation.save()
    return invitation


def invitation_send_again(*, invitation: ConferenceInvitation) -> ConferenceInvitation:
    """Queue a failed email invitation to send again (the "send again" action)."""
    invitation_queue_again(invitation)
    _enqueue_send(invitation)
    return invitation


def conference_minutes_record(
    *, conference: ChildProtectionConference, minutes_sent_on: dt.date
) -> ChildProtectionConference:
    """Record the date a held conference's minutes were sent out."""
    _refuse_if_closed(conference, "minutes_sent_on")
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


REPORTS_BEFORE_BOOKING = "The date the reports were in must be on or before the conference, {date}"


def conference_reports_record(
    *, conference: ChildProtectionConference, reports_in_on: dt.date
) -> ChildProtectionConference:
    """Record the day the conference's reports were all in (its preparation task list)."""
    _refuse_if_closed(conference, "reports_in_on")
    errors = FieldErrors()
    not_in_future(errors, "reports_in_on", reports_in_on, "The date the reports were in")
    if conference.held_on and reports_in_on > conference.held_on:
        errors.add(
            "reports_in_on", REPORTS_BEFORE_BOOKING.format(date=long_date(conference.held_on))
        )
    errors.raise_if_any()
    conference.reports_in_on = reports_in_on
    conference.save()
    return conference


# A conference's decisions: tracked actions (core.decisions, as a review's) ------------


def _decisions_open(conference: ChildProtectionConference) -> None:
    """Only a held conference has decisions; a cancelled one takes none."""
    if conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError("This conference was cancelled, so it took no decisions")
    if conference.status != ConferenceStatus.HELD:
        raise ValidationError("Record the conference's outcome before its decisions")


@transaction.atomic
def conference_decision_add(
    *,
    conference: ChildProtectionConference,
    action: str,
    owner: str,
    due_on: dt.date | None,
    by: User | None = None,
) -> ConferenceDecision:
    """Record a decision of a held conference: what is to be done, by whom and when."""
    _decisions_open(conference)
    errors = FieldErrors()
    decisions.decision_problems(
        errors,
        action=action,
        owner=owner,
        due_on=due_on,
        held_on=conference.held_on,
        meeting="conference",
    )
    errors.raise_if_any()
    assert due_on is not None
    decision = ConferenceDecision(
        conference=conference, action=action.strip(), owner=owner.strip(), due_on=due_on
    )
    decisions.history_note(decision, by=by, reason="Recorded")
    decision.save()
    return decision


@transaction.atomic
def conference_decision_complete(
    *, decision: ConferenceDecision, completed_on: dt.date, by: User | None = None
) -> ConferenceDecision:
    """Mark a decision done on a day (not before its conference, not in the future)."""
    return decisions.decision_complete(
        decision,
        completed_on=completed_on,
        held_on=decision.conference.held_on,
        meeting="conference",
        by=by,
    )


@transaction.atomic
def conference_decision_correct(
    *,
    decision: ConferenceDecision,
    action: str,
    owner: str,
    due_on: dt.date,
    reason: str,
    by: User | None = None,
) -> ConferenceDecision:
    """Correct what a decision says, who owns it or when it is due, saying why."""
    return decisions.decision_correct(
        decision,
        action=action,
        owner=owner,
        due_on=due_on,
        reason=reason,
        held_on=decision.conference.held_on,
        meeting="conference",
        by=by,
    )


@transaction.atomic
def conference_decision_withdraw(
    *, decision: ConferenceDecision, reason: str, by: User | None = None
) -> ConferenceDecision:
    """Withdraw a decision recorded in error: kept, with why, but no longer tracked."""
    return decisions.withdraw(decision, reason=reason, by=by)


def child_records_anonymise(*, child_ids: Sequence[int]) -> dict[str, int]:
    """Blank the free text that can name people in these children's child protection
    records (the retention job, inside its transaction), in the rows and their history;
    return the rows changed per kind. A conference is one meeting for a family: its venue,
    moves, invitations and decisions are anonymised once every child it covered is.
    Dates, codes and outcomes stay, so past figures do not change."""
    withdrawn = {"withdrawn_reason": anonymised_unless_blank("withdrawn_reason")}
    still_named = ConferenceChild.objects.exclude(child__in=child_ids).filter(
        child__anonymised_on__isnull=True
    )
    conferences = ChildProtectionConference.objects.filter(
        pk__in=ConferenceChild.objects.filter(child__in=child_ids).values("conference")
    ).exclude(pk__in=still_named.values("conference"))
    return {
        "section47_enquiries": rows_scrub(
            Section47Enquiry.all_objects.filter(child__in=child_ids).exclude(withdrawn_reason=""),
            withdrawn,
        ),
        "conferences": rows_scrub(
            conferences,
            {
                "venue": "",
                "cancellation_reason": anonymised_unless_blank("cancellation_reason"),
                "booking_warnings": [],
            },
        ),
        "conference_moves": rows_scrub(
            ConferenceMove.objects.filter(conference__in=conferences),
            {"from_venue": "", "to_venue": ANONYMISED, "reason": ANONYMISED},
        ),
        "conference_invitations": rows_scrub(
            ConferenceInvitation.objects.filter(conference__in=conferences),
            {
                **invitation_anonymised(),
                "exclusion_reason": anonymised_unless_blank("exclusion_reason"),
            },
        ),
        "conference_decisions": rows_scrub(
            ConferenceDecision.all_objects.filter(conference__in=conferences),
            {"action": ANONYMISED, **withdrawn},
        ),
    }
