"""Writes for foster carer households and their reviews."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.services import FieldErrors, not_in_future
from core.timescales import Timescales, default_timescales
from fostering.models import FosterCarerHousehold, FosterCarerReview
from fostering.rules import CarerSchedule, carer_review_schedule
from fostering.selectors import is_first_review, reviewing_officer_conflicts


def household_schedule_refresh(
    *, household: FosterCarerHousehold, timescales: Timescales | None = None
) -> CarerSchedule:
    reviews = list(household.reviews.filter(held_on__isnull=False).order_by("held_on"))
    schedule = carer_review_schedule(
        approved_on=household.approved_on,
        held_reviews=[r.held_on for r in reviews],
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


@transaction.atomic
def household_approve(
    *,
    reference: str,
    name: str,
    approved_on: dt.date,
    terms_of_approval: str = "",
    reviewing_officer=None,
) -> FosterCarerHousehold:
    errors = FieldErrors()
    not_in_future(errors, "approved_on", approved_on, "The approval date")
    if not reference.strip():
        errors.add("reference", "Enter the household's reference")
    elif FosterCarerHousehold.objects.filter(reference=reference).exists():
        errors.add("reference", f"A household with reference {reference} already exists")
    if not name.strip():
        errors.add("name", "Enter the carers' names")
    errors.raise_if_any()
    household = FosterCarerHousehold.objects.create(
        reference=reference,
        name=name,
        approved_on=approved_on,
        terms_of_approval=terms_of_approval,
        reviewing_officer=reviewing_officer,
    )
    household_schedule_refresh(household=household)
    return household


@transaction.atomic
def carer_review_record(
    *,
    household: FosterCarerHousehold,
    held_on: dt.date,
    reviewing_officer,
    referred_to_panel: bool,
    panel_on: dt.date | None = None,
    recommendation: str = "",
) -> tuple[FosterCarerReview, list[str]]:
    """Record a held review. Returns it with any warnings (conflict of interest)."""
    errors = FieldErrors()
    not_in_future(errors, "held_on", held_on, "The review date")
    if held_on < household.approved_on:
        errors.add("held_on", "A review cannot be before the household was approved")
    if household.approval_ended_on is not None and held_on > household.approval_ended_on:
        errors.add("held_on", "The household's approval had ended by then")
    if household.reviews.filter(held_on=held_on).exists():
        errors.add("held_on", "A review on that date is already recorded")
    is_first = is_first_review(household=household, held_on=held_on)
    if is_first and not referred_to_panel:
        errors.add(
            "referred_to_panel", "The first review after approval must go to the fostering panel"
        )
    if panel_on is not None and not referred_to_panel:
        errors.add("panel_on", "Give a panel date only when the review is referred to panel")
    if panel_on is not None and panel_on < held_on:
        errors.add("panel_on", "The panel cannot be before the review")
    errors.raise_if_any()
    review = FosterCarerReview.objects.create(
        household=household,
        held_on=held_on,
        reviewing_officer=reviewing_officer,
        is_first=is_first,
        referred_to_panel=referred_to_panel,
        panel_on=panel_on,
        recommendation=recommendation,
    )
    household_schedule_refresh(household=household)
    review.refresh_from_db()
    warnings = [
        f"{reviewing_officer} is the IRO of {child.child_id}, who is placed with this household: "
        "another officer should review these carers."
        for child in reviewing_officer_conflicts(
            household=household, officer=reviewing_officer, on=held_on
        )
    ]
    return review, warnings
