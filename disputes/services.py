"""Writes for the dispute resolution process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from core.dates import default_calendar, long_date
from core.history import ANONYMISED, rows_scrub
from core.services import FieldErrors, not_in_future, transition
from core.timescales import default_timescales
from disputes.models import (
    Dispute,
    DisputeCategory,
    DisputeCorrection,
    DisputeLevel,
    DisputeStage,
    DisputeStatus,
    StageOutcome,
)
from disputes.rules import formal_process_due, stage_response_due
from iro.models import Child, IndependentReviewingOfficer

OPEN_STATUSES = [DisputeStatus.INFORMAL, DisputeStatus.FORMAL]


# Error messages the tests import.
CHALLENGE_ALREADY_OPEN = (
    "A challenge about {category} for this child raised on {date} is already open: "
    "open it from the challenges list rather than raising it again"
)
REASON_REQUIRED = "Enter why you are making the correction"
NOTHING_CORRECTED = "Nothing has changed: correct at least one answer, or go back"
RAISED_AFTER_STAGE = "The challenge cannot have been raised after its first stage started on {date}"
RAISED_AFTER_CLOSE = "The challenge cannot have been raised after it was {verb} on {date}"
RAISED_AFTER_CAFCASS = (
    "The challenge cannot have been raised after its referral to Cafcass on {date}"
)
STAGE_BEFORE_RAISED = "A stage cannot start before the challenge was raised on {date}"
STAGE_BEFORE_PREVIOUS = "A stage cannot start before the previous stage started on {date}"
STAGE_AFTER_NEXT = "A stage cannot start after the next stage started on {date}"
STAGE_AFTER_CLOSE = "A stage cannot start after the challenge was {verb} on {date}"
RESPONSE_BEFORE_STAGE = "The response cannot be before {date}"
RESPONSE_REQUIRED = "Enter the response"
RESPONSE_DATE_REQUIRED = "Enter the date of the response"


@transaction.atomic
def dispute_raise(
    *,
    child: Child,
    raised_by: IndependentReviewingOfficer,
    raised_on: dt.date,
    category: str,
    summary: str,
) -> Dispute:
    """Raise a challenge. It starts informally (IRO Handbook 6.4).

    The same challenge (child, category and day) is not raised twice while one is open:
    two quick presses of the button, or two people at once, make one challenge.
    """
    # Raising waits for any other raising for this child, so the check below sees it.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    errors = FieldErrors()
    not_in_future(errors, "raised_on", raised_on, "The date the challenge was raised")
    if category not in DisputeCategory.values:
        errors.add("category", "Choose what the challenge is about")
    elif Dispute.objects.filter(
        child=child, category=category, raised_on=raised_on, status__in=OPEN_STATUSES
    ).exists():
        errors.add(
            "category",
            CHALLENGE_ALREADY_OPEN.format(
                category=DisputeCategory(category).label.lower(), date=long_date(raised_on)
            ),
        )
    if not summary.strip():
        errors.add("summary", "Describe the concern")
    errors.raise_if_any()
    return Dispute.objects.create(
        child=child, raised_by=raised_by, raised_on=raised_on, category=category, summary=summary
    )


@transaction.atomic
def dispute_escalate(
    *, dispute: Dispute, level: DisputeLevel, addressee: str, started_on: dt.date
) -> DisputeStage:
    """Put the challenge to a formal level. Levels may be skipped, never revisited."""
    errors = FieldErrors()
    not_in_future(errors, "started_on", started_on, "The escalation date")
    if not dispute.is_open:
        errors.add("dispute", "This challenge is closed")
    if not addressee.strip():
        errors.add("addressee", "Enter who the challenge is addressed to")
    if not level.active:
        errors.add("level", f"{level.name} is no longer a stage of the escalation ladder")
    if started_on < dispute.raised_on:
        errors.add("started_on", "A stage cannot start before the challenge was raised")
    stages = list(dispute.stages.select_related("level"))
    if any(stage.level.rank >= level.rank for stage in stages):
        errors.add("level", f"The challenge has already been put to {level.name} or higher")
    if stages and started_on < stages[-1].started_on:
        errors.add("started_on", "A stage cannot start before the previous stage")
    errors.raise_if_any()

    calendar = default_calendar()
    for stage in stages:
        if stage.outcome == StageOutcome.AWAITING:
            stage.outcome = StageOutcome.ESCALATED
            stage.save(update_fields=["outcome"])
    due = stage_response_due(
        started_on,
        level_name=level.name,
        working_days=level.response_working_days,
        calendar=calendar,
    )
    stage = DisputeStage.objects.create(
        dispute=dispute,
        level=level,
        addressee=addressee,
        started_on=started_on,
        response_due_on=due.on,
        response_due_reason=due.reason,
        response_due_rule=due.rule,
    )
    if dispute.status == DisputeStatus.INFORMAL:
        transition(dispute, DisputeStatus.FORMAL)
        formal = formal_process_due(started_on, calendar=calendar, timescales=default_timescales())
        dispute.formal_due_on = formal.on
        dispute.formal_due_reason = formal.reason
        dispute.formal_due_rule = formal.rule
        dispute.save()
    return stage


def dispute_stage_respond(
    *, stage: DisputeStage, responded_on: dt.date, response: str
) -> DisputeStage:
    errors = FieldErrors()
    not_in_future(errors, "responded_on", responded_on, "The response date")
    if responded_on < stage.started_on:
        errors.add("responded_on", f"The response cannot be before {long_date(stage.started_on)}")
    if not response.strip():
        errors.add("response", "Enter the response")
    if stage.responded_on is not None:
        errors.add("responded_on", "This stage already has a response")
    if not stage.dispute.is_open:
        errors.add("dispute", "This challenge is closed")
    errors.raise_if_any()
    stage.responded_on = responded_on
    stage.response = response
    stage.save()
    return stage


def _closing_problems(dispute: Dispute, day: dt.date, *, field: str, verb: str, label: str):
    """What stops a challenge closing on a day, and its highest stage (or None)."""
    errors = FieldErrors()
    not_in_future(errors, field, day, label)
    if day < dispute.raised_on:
        errors.add(field, f"A challenge cannot be {verb} before it was raised")
    if not dispute.is_open:
        errors.add("status", f"This challenge is already {dispute.get_status_display().lower()}")
    last = dispute.stages.select_related("level").order_by("-level__rank").first()
    if last is not None and day < last.started_on:
        errors.add(
            field,
            f"A challenge cannot be {verb} before its last stage started "
            f"on {long_date(last.started_on)}",
        )
    return errors, last


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, resolved_on: dt.date, outcome: str) -> Dispute:
    """Close a challenge as resolved, at the level it reached (informal if none)."""
    errors, last = _closing_problems(
        dispute, resolved_on, field="resolved_on", verb="resolved", label="The resolution date"
    )
    if not outcome.strip():
        errors.add("outcome", "Describe how the challenge was resolved")
    errors.raise_if_any()
    transition(dispute, DisputeStatus.RESOLVED)
    dispute.outcome = outcome
    if last is not None:
        dispute.resolved_at_level = last.level
        last.outcome = StageOutcome.RESOLVED
        if last.responded_on is None:
            last.responded_on = resolved_on
            last.response = outcome
        last.save()
    dispute.resolved_on = resolved_on
    dispute.save()
    return dispute


def dispute_refer_to_cafcass(*, dispute: Dispute, referred_on: dt.date) -> Dispute:
    """A referral to Cafcass may be made at any point (CPPCR reg 45)."""
    errors = FieldErrors()
    not_in_future(errors, "cafcass_referred_on", referred_on, "The referral date")
    if referred_on < dispute.raised_on:
        errors.add("cafcass_referred_on", "The referral cannot be before the challenge")
    if dispute.cafcass_referred_on is not None:
        errors.add("cafcass_referred_on", "This challenge has already been referred to Cafcass")
    errors.raise_if_any()
    dispute.cafcass_referred_on = referred_on
    dispute.save()
    return dispute


@transaction.atomic
def dispute_withdraw(*, dispute: Dispute, withdrawn_on: dt.date, reason: str) -> Dispute:
    """Close a challenge without a resolution (the IRO decides it should not go on).

    The date is kept in `resolved_on`, the challenge's closing date whichever way it
    closed (the annual figures count only resolved ones), and the reason in `outcome`.
    A stage still awaiting a response is withdrawn.
    """
    errors, last = _closing_problems(
        dispute,
        withdrawn_on,
        field="withdrawn_on",
        verb="withdrawn",
        label="The date the challenge was withdrawn",
    )
    if not reason.strip():
        errors.add("reason", "Enter why the challenge is being withdrawn")
    errors.raise_if_any()
    transition(dispute, DisputeStatus.WITHDRAWN)
    if last is not None and last.outcome == StageOutcome.AWAITING:
        last.outcome = StageOutcome.WITHDRAWN
        last.save(update_fields=["outcome", "updated_at"])
    dispute.resolved_on = withdrawn_on
    dispute.outcome = reason.strip()
    dispute.save()
    return dispute


def _shown(value) -> str | None:
    """A value as a correction keeps it: dates in words, choices by their label."""
    if isinstance(value, dt.date):
        return long_date(value)
    return None if value is None else str(value)


def _closed_on(dispute: Dispute) -> tuple[str, dt.date | None]:
    verb = "withdrawn" if dispute.status == DisputeStatus.WITHDRAWN else "resolved"
    return verb, dispute.resolved_on if not dispute.is_open else None


@transaction.atomic
def dispute_correct(
    *,
    dispute: Dispute,
    corrected_by,
    reason: str,
    category: str,
    summary: str,
    raised_on: dt.date,
) -> DisputeCorrection:
    """Correct a challenge's details, keeping what they were and why they changed."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    errors = FieldErrors()
    not_in_future(errors, "raised_on", raised_on, "The date the challenge was raised")
    first = dispute.stages.order_by("started_on").first()
    if first is not None and raised_on > first.started_on:
        errors.add("raised_on", RAISED_AFTER_STAGE.format(date=long_date(first.started_on)))
    verb, closed_on = _closed_on(dispute)
    if closed_on is not None and raised_on > closed_on:
        errors.add("raised_on", RAISED_AFTER_CLOSE.format(verb=verb, date=long_date(closed_on)))
    if dispute.cafcass_referred_on is not None and raised_on > dispute.cafcass_referred_on:
        errors.add(
            "raised_on",
            RAISED_AFTER_CAFCASS.format(date=long_date(dispute.cafcass_referred_on)),
        )
    if category not in DisputeCategory.values:
        errors.add("category", "Choose what the challenge is about")
    if not summary.strip():
        errors.add("summary", "Describe the concern")
    if not reason.strip():
        errors.add("reason", REASON_REQUIRED)
    errors.raise_if_any()
    changes: dict[str, list[str | None]] = {}
    if category != dispute.category:
        changes["category"] = [dispute.get_category_display(), DisputeCategory(category).label]
    if summary.strip() != dispute.summary.strip():
        changes["summary"] = [dispute.summary, summary.strip()]
    if raised_on != dispute.raised_on:
        changes["raised_on"] = [_shown(dispute.raised_on), _shown(raised_on)]
    if not changes:
        errors.add("category", NOTHING_CORRECTED)
        errors.raise_if_any()
    dispute.category, dispute.summary, dispute.raised_on = category, summary.strip(), raised_on
    dispute.save()
    return DisputeCorrection.objects.create(
        dispute=dispute, changes=changes, reason=reason.strip(), corrected_by=corrected_by
    )


@transaction.atomic
def dispute_stage_correct(
    *,
    stage: DisputeStage,
    corrected_by,
    reason: str,
    addressee: str,
    started_on: dt.date,
    responded_on: dt.date | None = None,
    response: str = "",
) -> DisputeCorrection:
    """Correct a stage's details; its response deadline (and the formal process's, for the
    first stage) is worked out again from a corrected start."""
    dispute = Dispute.objects.select_for_update().get(pk=stage.dispute_id)
    stage = DisputeStage.objects.select_related("level").get(pk=stage.pk)
    stages = list(dispute.stages.select_related("level").order_by("level__rank"))
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    errors = FieldErrors()
    not_in_future(errors, "started_on", started_on, "The escalation date")
    if started_on < dispute.raised_on:
        errors.add("started_on", STAGE_BEFORE_RAISED.format(date=long_date(dispute.raised_on)))
    if index > 0 and started_on < stages[index - 1].started_on:
        errors.add(
            "started_on",
            STAGE_BEFORE_PREVIOUS.format(date=long_date(stages[index - 1].started_on)),
        )
    if index + 1 < len(stages) and started_on > stages[index + 1].started_on:
        errors.add(
            "started_on", STAGE_AFTER_NEXT.format(date=long_date(stages[index + 1].started_on))
        )
    verb, closed_on = _closed_on(dispute)
    if closed_on is not None and started_on > closed_on:
        errors.add("started_on", STAGE_AFTER_CLOSE.format(verb=verb, date=long_date(closed_on)))
    if not addressee.strip():
        errors.add("addressee", "Enter who the challenge is addressed to")
    if stage.responded_on is not None:
        if responded_on is None:
            errors.add("responded_on", RESPONSE_DATE_REQUIRED)
        else:
            not_in_future(errors, "responded_on", responded_on, "The response date")
            if responded_on < started_on:
                errors.add("responded_on", RESPONSE_BEFORE_STAGE.format(date=long_date(started_on)))
        if not response.strip():
            errors.add("response", RESPONSE_REQUIRED)
    else:
        # Recording a response is its own page; a correction only corrects.
        responded_on, response = None, ""
    if not reason.strip():
        errors.add("reason", REASON_REQUIRED)
    errors.raise_if_any()
    changes: dict[str, list[str | None]] = {}
    if addressee.strip() != stage.addressee:
        changes["addressee"] = [stage.addressee, addressee.strip()]
    if started_on != stage.started_on:
        changes["started_on"] = [_shown(stage.started_on), _shown(started_on)]
    if responded_on != stage.responded_on:
        changes["responded_on"] = [_shown(stage.responded_on), _shown(responded_on)]
    if response.strip() != stage.response.strip():
        changes["response"] = [stage.response, response.strip()]
    if not changes:
        errors.add("addressee", NOTHING_CORRECTED)
        errors.raise_if_any()
    if started_on != stage.started_on:
        calendar = default_calendar()
        due = stage_response_due(
            started_on,
            level_name=stage.level.name,
            working_days=stage.level.response_working_days,
            calendar=calendar,
        )
        stage.response_due_on, stage.response_due_reason = due.on, due.reason
        stage.response_due_rule = due.rule
        if index == 0:
            formal = formal_process_due(
                started_on, calendar=calendar, timescales=default_timescales()
            )
            dispute.formal_due_on = formal.on
            dispute.formal_due_reason = formal.reason
            dispute.formal_due_rule = formal.rule
            dispute.save()
    stage.addressee, stage.started_on = addressee.strip(), started_on
    stage.responded_on, stage.response = responded_on, response.strip()
    stage.save()
    return DisputeCorrection.objects.create(
        dispute=dispute,
        stage=stage,
        changes=changes,
        reason=reason.strip(),
        corrected_by=corrected_by,
    )


def child_records_anonymise(*, child_ids: Sequence[int]) -> dict[str, int]:
    """Blank the free text that can name people in these children's challenges (the
    retention job, inside its transaction), in the rows and their history; return the
    rows changed per kind. Categories, levels, statuses and dates stay, so past figures do
    not change."""
    disputes = Dispute.objects.filter(child__in=child_ids)
    return {
        "disputes": rows_scrub(disputes, {"summary": ANONYMISED, "outcome": ""}),
        "dispute_stages": rows_scrub(
            DisputeStage.objects.filter(dispute__in=disputes),
            {"addressee": ANONYMISED, "response": ""},
        ),
        "dispute_corrections": rows_scrub(
            DisputeCorrection.objects.filter(dispute__in=disputes),
            {"reason": ANONYMISED, "changes": {}},
        ),
    }
