"""Decisions of a meeting as tracked actions (a looked-after review's, a child protection
conference's): the shared fields, the status rule, the row the record shows, the forms and
the done / correct / withdraw changes. Knows neither area; each app supplies its meeting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.dates import long_date
from core.deadlines import DeadlineState, deadline_state
from core.forms import ServiceForm, gds_date
from core.services import FieldErrors, not_in_future

WITHDRAWN = "This has been withdrawn, so it cannot be changed"
CORRECTION_REASON_LENGTH = 100  # simple_history's history_change_reason


class CurrentManager(models.Manager):  # type: ignore[type-arg]
    """Rows not withdrawn: what every page, count and figure reads.

    A withdrawn record stays (with who withdrew it, when and why) and is read through
    `all_objects`."""

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Withdrawable(models.Model):
    """A record its author or a manager can withdraw with a reason; never deleted."""

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CurrentManager()  # first, so the default: related lookups leave withdrawn out
    all_objects: models.Manager = models.Manager()  # type: ignore[type-arg]

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class TrackedDecision(models.Model):
    """A decision of a meeting: an action with an owner and a due date."""

    action = models.TextField()
    owner = models.CharField(max_length=100, help_text="Who is responsible, e.g. 'Social worker'.")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class DecisionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    OVERDUE = "overdue"
    WITHDRAWN = "withdrawn"


def decision_status(
    *, due_on: dt.date, completed_on: dt.date | None, withdrawn: bool, as_of: dt.date
) -> DecisionStatus:
    """Done once completed, withdrawn once withdrawn; otherwise open, or overdue when its
    due date has passed (core.deadlines.deadline_state, the one definition)."""
    if withdrawn:
        return DecisionStatus.WITHDRAWN
    if completed_on is not None:
        return DecisionStatus.DONE
    state = deadline_state(due_on, as_of=as_of)
    return DecisionStatus.OVERDUE if state and state.overdue else DecisionStatus.OPEN


@dataclass(frozen=True)
class DecisionRow:
    """A decision as the record shows it: its status on the day and the deadline's words."""

    decision: Any
    status: DecisionStatus
    state: DeadlineState | None

    @property
    def is_open(self) -> bool:
        return self.status in {DecisionStatus.OPEN, DecisionStatus.OVERDUE}


def decision_row(decision: Any, as_of: dt.date) -> DecisionRow:
    status = decision_status(
        due_on=decision.due_on,
        completed_on=decision.completed_on,
        withdrawn=decision.is_withdrawn,
        as_of=as_of,
    )
    open_ = status in {DecisionStatus.OPEN, DecisionStatus.OVERDUE}
    return DecisionRow(
        decision, status, deadline_state(decision.due_on, as_of=as_of) if open_ else None
    )


# Changes: each app's service wraps these in a transaction and names its meeting ---------


def history_note(row: Any, *, by: Any, reason: str) -> None:
    """Who made the change and why, for the row's next history entry (simple_history
    keeps 100 characters of the reason; the full reason is on the row itself)."""
    if by is not None:
        row._history_user = by
    row._change_reason = reason[:100]


def reason_problem(errors: FieldErrors, reason: str, field: str = "reason") -> None:
    if not reason.strip():
        errors.add(field, "Enter the reason")
    elif len(reason.strip()) > CORRECTION_REASON_LENGTH:
        errors.add(field, f"The reason must be {CORRECTION_REASON_LENGTH} characters or fewer")


def withdraw(row: Any, *, reason: str, by: Any) -> Any:
    """Withdraw a record made in error: kept, with why, but no longer counted."""
    errors = FieldErrors()
    if row.is_withdrawn:
        raise ValidationError(WITHDRAWN)
    if not reason.strip():
        errors.add("reason", "Enter why it is being withdrawn")
    errors.raise_if_any()
    row.withdrawn_at = timezone.now()
    row.withdrawn_reason = reason.strip()
    row.withdrawn_by = by
    history_note(row, by=by, reason=f"Withdrawn: {reason.strip()}")
    row.save()
    return row


def decision_complete(
    decision: Any, *, completed_on: dt.date, held_on: dt.date | None, meeting: str, by: Any
) -> Any:
    """Mark a decision done on a day (not before its meeting, not in the future)."""
    if decision.is_withdrawn:
        raise ValidationError(WITHDRAWN)
    errors = FieldErrors()
    not_in_future(errors, "completed_on", completed_on, "The date it was done")
    if held_on and completed_on < held_on:
        errors.add(
            "completed_on",
            f"The date it was done cannot be before the {meeting} on {long_date(held_on)}",
        )
    errors.raise_if_any()
    decision.completed_on = completed_on
    history_note(decision, by=by, reason="Done")
    decision.save()
    return decision


def decision_problems(
    errors: FieldErrors,
    *,
    action: str,
    owner: str,
    due_on: dt.date | None,
    held_on: dt.date | None,
    meeting: str,
    prefix: str = "",
) -> None:
    """What is wrong with a decision's action, owner and due date."""
    if not action.strip():
        errors.add(f"{prefix}action", "Enter what is to be done")
    if not owner.strip():
        errors.add(f"{prefix}owner", "Enter who is responsible for the decision")
    if due_on is None:
        errors.add(f"{prefix}due_on", "Enter when the decision is due")
    elif held_on and due_on < held_on:
        errors.add(f"{prefix}due_on", f"A decision cannot be due before the {meeting}")


def decision_correct(
    decision: Any,
    *,
    action: str,
    owner: str,
    due_on: dt.date,
    reason: str,
    held_on: dt.date | None,
    meeting: str,
    by: Any,
) -> Any:
    """Correct what a decision says, who owns it or when it is due, saying why."""
    if decision.is_withdrawn:
        raise ValidationError(WITHDRAWN)
    errors = FieldErrors()
    decision_problems(
        errors, action=action, owner=owner, due_on=due_on, held_on=held_on, meeting=meeting
    )
    reason_problem(errors, reason)
    errors.raise_if_any()
    decision.action, decision.owner, decision.due_on = action.strip(), owner.strip(), due_on
    history_note(decision, by=by, reason=reason.strip())
    decision.save()
    return decision


# Forms -------------------------------------------------------------------------------


def reason_field(
    label: str, *, max_length: int = CORRECTION_REASON_LENGTH, hint: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=hint or f"Up to {max_length} characters. It is kept with the record's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason",
            "max_length": f"The reason must be {max_length} characters or fewer",
        },
    )


class DecisionDoneForm(ServiceForm):
    submit_label = "Mark it done"

    completed_on = gds_date("Date it was done", not_in_future=True)


class DecisionCorrectForm(ServiceForm):
    submit_label = "Save the correction"

    action = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what is to be done"},
    )
    owner = forms.CharField(
        label="Who is responsible",
        max_length=100,
        error_messages={"required": "Enter who is responsible for the decision"},
    )
    due_on = gds_date("Due by")
    reason = reason_field("Why are you correcting it?")


class DecisionAddForm(ServiceForm):
    submit_label = "Record the decision"

    action = DecisionCorrectForm.base_fields["action"]
    owner = DecisionCorrectForm.base_fields["owner"]
    due_on = gds_date("Due by")


class WithdrawForm(ServiceForm):
    """Withdraw a record made in error: it is kept, with the reason, and counted nowhere."""

    submit_label = "Withdraw it"

    reason = reason_field(
        "Why is it being withdrawn?",
        max_length=500,
        hint="For example, recorded for the wrong child. The record is kept with the reason.",
    )
