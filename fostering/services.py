"""Writes for foster carer households and their reviews.

Error messages are constants here; the tests import them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.dates import long_date
from core.decisions import history_note, reason_problem
from core.services import FieldErrors, not_in_future, rows_update
from core.timescales import (
    DUE_FIELDS,
    NEXT_REVIEW_FIELDS,
    Timescales,
    default_timescales,
    due_stored,
)
from fostering.models import (
    MOST_PLACES,
    OLDEST_AGE,
    ApprovalEnd,
    ApprovalTermsChange,
    CarerReviewCorrection,
    CareType,
    FosterCarerHousehold,
    FosterCarerReview,
    terms_text,
)
from fostering.rules import CarerSchedule, carer_review_schedule
from fostering.selectors import (
    household_by_reference,
    is_first_review,
    reviewing_officer_conflicts,
)

REFERENCE_REQUIRED = "Enter the household's reference"
REFERENCE_FORMAT = "The reference must be letters, numbers and hyphens only, up to 20 characters"
REFERENCE_TAKEN = "A household with reference {reference} already exists: {name}"
REFERENCE_TAKEN_NOW = "A household with reference {reference} has just been saved by someone else"
# The address of the add pages: a household cannot have it as its reference.
RESERVED_REFERENCES = {"new"}
NAME_REQUIRED = "Enter the carers' names"
PLACES_RANGE = f"The number of children must be from 1 to {MOST_PLACES}"
AGE_RANGE = f"Ages must be from 0 to {OLDEST_AGE}"
AGE_BOTH = "Enter both the youngest and the oldest age, or neither"
AGE_ORDER = "The youngest age cannot be more than the oldest"
CARE_TYPE_UNKNOWN = "Choose the kinds of care from the list"
TERMS_REQUIRED = "Enter the terms of approval: the number of children, or the conditions"
TERMS_UNCHANGED = "These are the terms the household already has: change at least one"
CHANGE_BEFORE_APPROVAL = "The change cannot be before the household was approved on {date}"
CHANGE_BEFORE_LAST = "The change cannot be before the last change of terms on {date}"
APPROVAL_ENDED = "The household's approval ended on {date}"
REASON_REQUIRED = "Enter the reason"
END_KIND_REQUIRED = "Choose why the approval ended"
END_BEFORE_APPROVAL = "The approval cannot end before it started on {date}"
END_BEFORE_REVIEW = "The approval cannot end before the review held on {date}"
ALREADY_ENDED = "The household's approval already ended on {date}"
REVIEW_BEFORE_APPROVAL = "A review cannot be before the household was approved"
REVIEW_AFTER_END = "The household's approval had ended by then"
REVIEW_SAME_DAY = "A review on that date is already recorded"
FIRST_REVIEW_TO_PANEL = "The first review after approval must go to the fostering panel"
PANEL_ONLY_WHEN_REFERRED = "Give a panel date only when the review is referred to panel"
PANEL_BEFORE_REVIEW = "The panel cannot be before the review"
NOTHING_CORRECTED = "Nothing has changed: correct at least one answer, or go back"
DETAILS_UNCHANGED = "Nothing has changed: correct the reference or the carers' names, or go back"
REVIEW_WITHDRAWN = "This review has been withdrawn"

_REFERENCE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9-]{0,19}\Z")


def household_schedule_refresh(
    *, household: FosterCarerHousehold, timescales: Timescales | None = None
) -> CarerSchedule:
    reviews = list(household.reviews.filter(held_on__isnull=False).order_by("held_on"))
    schedule = carer_review_schedule(
        approved_on=household.approved_on,
        held_reviews=[r.held_on for r in reviews if r.held_on is not None],
        approval_ended_on=household.approval_ended_on,
        timescales=timescales or default_timescales(),
    )
    for review, held in zip(reviews, schedule.held, strict=True):
        review.due_on, review.due_reason, review.due_rule = (
            held.due.on,
            held.due.reason,
            held.due.rule,
        )
    # is_first stays as recorded: it says whether that review had to go to panel.
    FosterCarerReview.objects.bulk_update(reviews, ["due_on", "due_reason", "due_rule"])
    household.next_review_due = schedule.next_due.on if schedule.next_due else None
    household.next_review_reason = schedule.next_due.reason if schedule.next_due else ""
    household.next_review_rule = schedule.next_due.rule if schedule.next_due else ""
    FosterCarerHousehold.objects.filter(pk=household.pk).update(
        next_review_due=household.next_review_due,
        next_review_reason=household.next_review_reason,
        next_review_rule=household.next_review_rule,
    )
    return schedule


def households_schedules_refresh(
    *, households: Sequence[FosterCarerHousehold], timescales: Timescales | None = None
) -> int:
    """household_schedule_refresh for many households at once: their reviews read in one
    query, and only the rows whose due date, reason or rule changed written, one
    statement a batch (core.services.rows_update). The number of rows written."""
    timescales = timescales or default_timescales()
    held: dict[int, list[FosterCarerReview]] = {h.pk: [] for h in households}
    for review in FosterCarerReview.objects.filter(
        household__in=list(held), held_on__isnull=False
    ).order_by("held_on", "pk"):
        held[review.household_id].append(review)
    stale_reviews, stale_households = [], []
    for household in households:
        reviews = held[household.pk]
        schedule = carer_review_schedule(
            approved_on=household.approved_on,
            held_reviews=[r.held_on for r in reviews if r.held_on is not None],
            approval_ended_on=household.approval_ended_on,
            timescales=timescales,
        )
        stale_reviews += [
            review
            for review, past in zip(reviews, schedule.held, strict=True)
            if due_stored(review, past.due)
        ]
        if due_stored(household, schedule.next_due, NEXT_REVIEW_FIELDS):
            stale_households.append(household)
    return rows_update(stale_reviews, FosterCarerReview, list(DUE_FIELDS)) + rows_update(
        stale_households,
        FosterCarerHousehold,
        list(NEXT_REVIEW_FIELDS),
    )


def reference_problem(
    reference: str, *, excluding: FosterCarerHousehold | None = None
) -> str | None:
    """Why a household cannot have this reference, or None (`excluding` is the household
    whose reference is being corrected: its own is not taken)."""
    reference = reference.strip()
    if not reference:
        return REFERENCE_REQUIRED
    if not _REFERENCE.match(reference) or reference.lower() in RESERVED_REFERENCES:
        return REFERENCE_FORMAT
    taken = household_by_reference(reference)
    if taken is not None and (excluding is None or taken.pk != excluding.pk):
        return REFERENCE_TAKEN.format(reference=taken.reference, name=taken.name)
    return None


def _terms_problems(
    errors: FieldErrors,
    *,
    places: int | None,
    age_from: int | None,
    age_to: int | None,
    care_types: Sequence[str],
) -> None:
    if places is not None and not 1 <= places <= MOST_PLACES:
        errors.add("places", PLACES_RANGE)
    for field, age in (("age_from", age_from), ("age_to", age_to)):
        if age is not None and not 0 <= age <= OLDEST_AGE:
            errors.add(field, AGE_RANGE)
    if (age_from is None) != (age_to is None):
        errors.add("age_to" if age_to is None else "age_from", AGE_BOTH)
    elif age_from is not None and age_to is not None and age_from > age_to:
        errors.add("age_from", AGE_ORDER)
    if any(kind not in CareType.values for kind in care_types):
        errors.add("care_types", CARE_TYPE_UNKNOWN)


def _care_types(care_types: Sequence[str]) -> list[str]:
    """The kinds of care in the list's order, each once."""
    chosen = set(care_types)
    return [kind for kind in CareType.values if kind in chosen]


@transaction.atomic
def household_approve(
    *,
    reference: str,
    name: str,
    approved_on: dt.date,
    terms_of_approval: str = "",
    reviewing_officer=None,
    places: int | None = None,
    age_from: int | None = None,
    age_to: int | None = None,
    care_types: Sequence[str] = (),
) -> FosterCarerHousehold:
    """Record a newly approved household; its first review falls due a year on, to panel."""
    errors = FieldErrors()
    not_in_future(errors, "approved_on", approved_on, "The approval date")
    if problem := reference_problem(reference):
        errors.add("reference", problem)
    if not name.strip():
        errors.add("name", NAME_REQUIRED)
    _terms_problems(errors, places=places, age_from=age_from, age_to=age_to, care_types=care_types)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            household = FosterCarerHousehold.objects.create(
                reference=reference.strip(),
                name=name.strip(),
                approved_on=approved_on,
                places=places,
                age_from=age_from,
                age_to=age_to,
                care_types=_care_types(care_types),
                terms_of_approval=terms_of_approval.strip(),
                reviewing_officer=reviewing_officer,
            )
    except IntegrityError:
        # Two people saving the same reference at once: the database keeps one.
        errors.add("reference", REFERENCE_TAKEN_NOW.format(reference=reference.strip()))
        errors.raise_if_any()
    household_schedule_refresh(household=household)
    return household


# The details a correction of the household may change, in the order the page asks them.
HOUSEHOLD_DETAILS = ("reference", "name")


@transaction.atomic
def household_details_correct(
    *, household: FosterCarerHousehold, reference: str, name: str, reason: str, by=None
) -> FosterCarerHousehold:
    """Correct a household's reference or carers' names, saying why; the household's
    history keeps what they were, who changed them and the reason.

    The household's pages move to the new reference; the old one leads there while no
    other household has it (fostering.selectors.household_formerly).
    """
    household = FosterCarerHousehold.objects.select_for_update().get(pk=household.pk)
    reference, name = reference.strip(), name.strip()
    errors = FieldErrors()
    if reference != household.reference and (
        problem := reference_problem(reference, excluding=household)
    ):
        errors.add("reference", problem)
    if not name:
        errors.add("name", NAME_REQUIRED)
    reason_problem(errors, reason)
    if (reference, name) == (household.reference, household.name) and not errors:
        errors.add("reference", DETAILS_UNCHANGED)
    errors.raise_if_any()
    household.reference, household.name = reference, name
    history_note(household, by=by, reason=reason.strip())
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        # Another household saved with this reference at the same moment.
        errors.add("reference", REFERENCE_TAKEN_NOW.format(reference=reference))
        errors.raise_if_any()
    return household


@transaction.atomic
def household_terms_change(
    *,
    household: FosterCarerHousehold,
    changed_on: dt.date,
    reason: str,
    places: int | None,
    age_from: int | None,
    age_to: int | None,
    care_types: Sequence[str],
    conditions: str = "",
    changed_by=None,
) -> ApprovalTermsChange:
    """Change a household's terms of approval, keeping what they were and why they changed.

    The review schedule does not move: RULES.md §3 sets no review or panel for a change.
    """
    household = FosterCarerHousehold.objects.select_for_update().get(pk=household.pk)
    errors = FieldErrors()
    not_in_future(errors, "changed_on", changed_on, "The date of the change")
    if changed_on < household.approved_on:
        errors.add(
            "changed_on", CHANGE_BEFORE_APPROVAL.format(date=long_date(household.approved_on))
        )
    last = household.terms_changes.order_by("-changed_on").first()
    if last is not None and changed_on < last.changed_on:
        errors.add("changed_on", CHANGE_BEFORE_LAST.format(date=long_date(last.changed_on)))
    if household.approval_ended_on is not None:
        errors.add("changed_on", APPROVAL_ENDED.format(date=long_date(household.approval_ended_on)))
    if not reason.strip():
        errors.add("reason", REASON_REQUIRED)
    _terms_problems(errors, places=places, age_from=age_from, age_to=age_to, care_types=care_types)
    after = terms_text(
        places=places,
        age_from=age_from,
        age_to=age_to,
        care_types=_care_types(care_types),
        conditions=conditions,
    )
    before = household.terms_summary
    if not after:
        errors.add("places", TERMS_REQUIRED)
    elif after == before:
        errors.add("places", TERMS_UNCHANGED)
    errors.raise_if_any()
    household.places, household.age_from, household.age_to = places, age_from, age_to
    household.care_types = _care_types(care_types)
    household.terms_of_approval = conditions.strip()
    household.save()
    return ApprovalTermsChange.objects.create(
        household=household,
        changed_on=changed_on,
        terms_before=before,
        terms_after=after,
        reason=reason.strip(),
        recorded_by=changed_by,
    )


@transaction.atomic
def household_approval_end(
    *, household: FosterCarerHousehold, ended_on: dt.date, kind: str, reason: str
) -> FosterCarerHousehold:
    """End a household's approval (resignation or termination): no review is due after."""
    household = FosterCarerHousehold.objects.select_for_update().get(pk=household.pk)
    errors = FieldErrors()
    not_in_future(errors, "ended_on", ended_on, "The date the approval ended")
    if household.approval_ended_on is not None:
        errors.add("ended_on", ALREADY_ENDED.format(date=long_date(household.approval_ended_on)))
    if ended_on < household.approved_on:
        errors.add("ended_on", END_BEFORE_APPROVAL.format(date=long_date(household.approved_on)))
    last = household.reviews.filter(held_on__isnull=False).order_by("-held_on").first()
    if last is not None and last.held_on and ended_on < last.held_on:
        errors.add("ended_on", END_BEFORE_REVIEW.format(date=long_date(last.held_on)))
    if kind not in ApprovalEnd.values:
        errors.add("kind", END_KIND_REQUIRED)
    if not reason.strip():
        errors.add("reason", REASON_REQUIRED)
    errors.raise_if_any()
    household.approval_ended_on = ended_on
    household.approval_end_kind = kind
    household.approval_end_reason = reason.strip()
    household.save()
    household_schedule_refresh(household=household)
    return household


def _review_problems(
    errors: FieldErrors,
    *,
    household: FosterCarerHousehold,
    held_on: dt.date,
    referred_to_panel: bool,
    panel_on: dt.date | None,
    is_first: bool,
    other_reviews,
) -> None:
    not_in_future(errors, "held_on", held_on, "The review date")
    if held_on < household.approved_on:
        errors.add("held_on", REVIEW_BEFORE_APPROVAL)
    if household.approval_ended_on is not None and held_on > household.approval_ended_on:
        errors.add("held_on", REVIEW_AFTER_END)
    if other_reviews.filter(held_on=held_on).exists():
        errors.add("held_on", REVIEW_SAME_DAY)
    if is_first and not referred_to_panel:
        errors.add("referred_to_panel", FIRST_REVIEW_TO_PANEL)
    if panel_on is not None and not referred_to_panel:
        errors.add("panel_on", PANEL_ONLY_WHEN_REFERRED)
    if panel_on is not None and panel_on < held_on:
        errors.add("panel_on", PANEL_BEFORE_REVIEW)


def _conflict_warnings(household, reviewing_officer, held_on) -> list[str]:
    return [
        f"{reviewing_officer} is the IRO of {child.child_id}, who is placed with this household: "
        "another officer should review these carers."
        for child in reviewing_officer_conflicts(
            household=household, officer=reviewing_officer, on=held_on
        )
    ]


@transaction.atomic
def carer_review_record(
    *,
    household: FosterCarerHousehold,
    held_on: dt.date,
    reviewing_officer,
    referred_to_panel: bool,
    panel_on: dt.date | None = None,
    recommendation: str = "",
    recorded_by=None,
) -> tuple[FosterCarerReview, list[str]]:
    """Record a held review. Returns it with any warnings (conflict of interest)."""
    errors = FieldErrors()
    is_first = is_first_review(household=household, held_on=held_on)
    _review_problems(
        errors,
        household=household,
        held_on=held_on,
        referred_to_panel=referred_to_panel,
        panel_on=panel_on,
        is_first=is_first,
        other_reviews=household.reviews.all(),
    )
    errors.raise_if_any()
    review = FosterCarerReview.objects.create(
        household=household,
        held_on=held_on,
        reviewing_officer=reviewing_officer,
        is_first=is_first,
        referred_to_panel=referred_to_panel,
        panel_on=panel_on,
        recommendation=recommendation,
        recorded_by=recorded_by,
    )
    household_schedule_refresh(household=household)
    review.refresh_from_db()
    return review, _conflict_warnings(household, reviewing_officer, held_on)


# The answers a correction may change, in the order the page asks them.
CORRECTABLE = ["held_on", "reviewing_officer", "referred_to_panel", "panel_on", "recommendation"]


def _as_shown(value) -> str | bool | None:
    """A value as a correction's record keeps it: dates in words, people by name."""
    if isinstance(value, dt.date):
        return long_date(value)
    if value is None or isinstance(value, bool | str):
        return value
    return str(value)


@transaction.atomic
def carer_review_correct(
    *,
    review: FosterCarerReview,
    corrected_by,
    reason: str,
    held_on: dt.date,
    reviewing_officer,
    referred_to_panel: bool,
    panel_on: dt.date | None = None,
    recommendation: str = "",
) -> tuple[CarerReviewCorrection, list[str]]:
    """Correct a recorded review, keeping what it said and why it changed."""
    review = FosterCarerReview.all_objects.select_for_update().get(pk=review.pk)
    household = review.household
    errors = FieldErrors()
    if review.is_withdrawn:
        errors.add("reason", REVIEW_WITHDRAWN)
    others = household.reviews.exclude(pk=review.pk)
    is_first = not others.filter(held_on__isnull=False, held_on__lt=held_on).exists()
    _review_problems(
        errors,
        household=household,
        held_on=held_on,
        # A review recorded as first went to panel, and stays referred.
        referred_to_panel=referred_to_panel,
        panel_on=panel_on,
        is_first=is_first or review.is_first,
        other_reviews=others,
    )
    if not reason.strip():
        errors.add("reason", REASON_REQUIRED)
    new = {
        "held_on": held_on,
        "reviewing_officer": reviewing_officer,
        "referred_to_panel": referred_to_panel,
        "panel_on": panel_on,
        "recommendation": recommendation,
    }
    changes = {
        name: [_as_shown(getattr(review, name)), _as_shown(value)]
        for name, value in new.items()
        if getattr(review, name) != value
    }
    if not changes and not errors:
        errors.add("held_on", NOTHING_CORRECTED)
    errors.raise_if_any()
    for name, value in new.items():
        setattr(review, name, value)
    review.is_first = review.is_first or is_first
    review.save()
    household_schedule_refresh(household=household)
    correction = CarerReviewCorrection.objects.create(
        review=review, changes=changes, reason=reason.strip(), corrected_by=corrected_by
    )
    return correction, _conflict_warnings(household, reviewing_officer, held_on)


@transaction.atomic
def carer_review_withdraw(
    *, review: FosterCarerReview, withdrawn_by, reason: str
) -> FosterCarerReview:
    """Withdraw a review recorded in error: it stays on record, out of the schedule and the
    figures, and the household's next review is worked out again without it."""
    review = FosterCarerReview.all_objects.select_for_update().get(pk=review.pk)
    errors = FieldErrors()
    if review.is_withdrawn:
        errors.add("reason", REVIEW_WITHDRAWN)
    if not reason.strip():
        errors.add("reason", REASON_REQUIRED)
    errors.raise_if_any()
    review.withdrawn_at = timezone.now()
    review.withdrawn_by = withdrawn_by
    review.withdrawn_reason = reason.strip()
    review.save()
    household_schedule_refresh(household=review.household)
    return review
