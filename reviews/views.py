"""Pages for the IRO's looked-after work: recording reviews, circulation and contacts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.dates import default_calendar, long_date
from core.forms import error_summary_items, form_page, meeting_page, posted
from core.permissions import require_object_perm, require_perm, role_required
from core.roles import Role
from core.services import today
from core.timescales import default_timescales
from iro.forms import MeetingForm
from iro.models import Child
from reviews.forms import CirculationForm, ContactForm, DecisionFormSet, ReviewRecordForm
from reviews.models import LookedAfterReview, ReviewStatus
from reviews.rules import circulation_due, needs_permanence_plan
from reviews.services import (
    DecisionInput,
    iro_contact_record,
    lac_review_book,
    lac_review_circulation_record,
    lac_review_record,
)

# Who may record a review (reviews/permissions.py): a booked review's chair, otherwise
# the child's IRO, or a manager.
RECORD_REVIEW = "reviews.record_review"


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def review_record(request, child_id: str, review_pk: int | None = None):
    """Record a held review: participation, seen alone, permanence, decisions. A booked
    review is its chair's to record; otherwise the child's IRO's (or a manager's)."""
    child = get_object_or_404(Child, child_id=child_id)
    booked = None
    if review_pk is not None:
        booked = get_object_or_404(
            LookedAfterReview.objects.select_related("chair"),
            pk=review_pk,
            child=child,
            status=ReviewStatus.SCHEDULED,
        )
    require_object_perm(request, RECORD_REVIEW, booked or child)
    period = child.periods_of_care.filter(ended_on__isnull=True).first()
    held_before = period.reviews.filter(status=ReviewStatus.HELD).count() if period else 0
    on = booked.scheduled_for.date() if booked and booked.scheduled_for else today()
    form = ReviewRecordForm(
        posted(request),
        child=child,
        on=on,
        needs_permanence_plan=period is not None
        and needs_permanence_plan(
            reviews_held_before=held_before, period_start_known=period.started_on is not None
        ),
        initial={"held_on": on},
    )
    decisions = DecisionFormSet(posted(request), prefix="decisions")
    if request.method == "POST" and form.is_valid() & decisions.is_valid():
        # The booked chair stays the chair when a manager records it for them.
        chair = (booked and booked.chair) or getattr(request.user, "iro_profile", None)
        try:
            with transaction.atomic():
                review = lac_review_record(
                    child=child,
                    review=booked,
                    chair=chair,
                    decisions=[
                        DecisionInput(
                            d.cleaned_data["action"],
                            d.cleaned_data["owner"],
                            d.cleaned_data["due_on"],
                        )
                        for d in decisions.forms
                        if not d.is_blank
                    ],
                    **form.cleaned_data,
                )
        except ValidationError as error:
            _apply_decision_errors(error, form, decisions)
        else:
            period = review.period
            period.refresh_from_db()
            note = "Review recorded."
            if period.next_review_due:
                note += (
                    f" The next review is due by {long_date(period.next_review_due)}: "
                    f"{period.next_review_reason}."
                )
            messages.success(request, note)
            return redirect("children:child_detail", child_id=child.child_id)
    errors = bool(form.errors) or any(d.errors for d in decisions.forms)
    return render(
        request,
        "reviews/review_record.html",
        {
            "form": form,
            "decisions": decisions,
            "child": child,
            "period": period,
            "booked": booked,
            "has_errors": errors,
            "error_list": _error_list(form, decisions),
        },
        status=400 if request.method == "POST" and errors else 200,
    )


def _apply_decision_errors(error: ValidationError, form, decisions) -> None:
    """Put the service's errors on the review form or on the decision row they name."""
    remaining = {}
    for field, texts in error.message_dict.items():
        if field.startswith("decisions-"):
            _, index, name = field.split("-", 2)
            # The service numbers only the non-blank rows; map back to the form rows.
            rows = [d for d in decisions.forms if not d.is_blank]
            for text in texts:
                rows[int(index)].add_error(name, text)
        else:
            remaining[field] = texts
    if remaining:
        form.apply_errors(ValidationError(remaining))


def _error_list(form, decisions) -> list[tuple[str, str]]:
    """The error summary: the review's fields, then each decision row's."""
    items = error_summary_items(form)
    for i, row in enumerate(decisions.forms):
        items += error_summary_items(row, label=f"Decision {i + 1}: ")
    return items


@role_required(Role.IRO, Role.ADMINISTRATOR, Role.BUSINESS_SUPPORT)
def circulation(request, review_pk: int):
    """When the decisions and the full record of a review went out (reviews.rules)."""
    require_perm(request, "reviews.change_lookedafterreview")
    review = get_object_or_404(
        LookedAfterReview.objects.select_related("child", "chair"),
        pk=review_pk,
        status=ReviewStatus.HELD,
    )
    require_object_perm(request, "reviews.record_circulation", review)
    timescales = default_timescales()
    due = circulation_due(review.held_on, calendar=default_calendar(), timescales=timescales)
    seen = {
        "decisions_circulated_on": review.decisions_circulated_on,
        "record_circulated_on": review.record_circulated_on,
    }
    form = CirculationForm(posted(request), current=seen)
    return form_page(
        request,
        form,
        heading="When did the review's decisions and record go out?",
        caption=f"{review.child.full_name}, review of {long_date(review.held_on)}",
        intro=(
            f"Decisions are due out by {long_date(due.decisions.on)} "
            f"({timescales.decisions_circulated_working_days} working days) and the full record "
            f"by {long_date(due.record.on)} "
            f"({timescales.record_circulated_working_days} working days)."
        ),
        back_url=reverse("children:child_detail", args=[review.child.child_id]),
        save=lambda data: lac_review_circulation_record(
            review=review,
            decisions_circulated_on=data["decisions_circulated_on"],
            record_circulated_on=data["record_circulated_on"],
            unchanged_from=seen,
        ),
        success_url=reverse("children:child_detail", args=[review.child.child_id]),
        success_message="Circulation dates saved.",
    )


@role_required(Role.IRO, Role.ADMINISTRATOR)
def contact_record(request, child_id: str):
    """Log a visit, call or other contact with the child between reviews."""
    require_perm(request, "reviews.add_irocontact")
    child = get_object_or_404(Child, child_id=child_id)
    require_object_perm(request, "reviews.record_contact", child)
    iro = getattr(request.user, "iro_profile", None)
    if iro is None:
        raise PermissionDenied
    form = ContactForm(posted(request), initial={"occurred_on": today()})
    return form_page(
        request,
        form,
        heading=f"Record a contact with {child.full_name}",
        caption=f"Child {child.child_id}",
        back_url=reverse("children:child_detail", args=[child.child_id]),
        save=lambda data: iro_contact_record(child=child, iro=iro, **data),
        success_url=reverse("children:child_detail", args=[child.child_id]),
        success_message=lambda c: f"{c.get_kind_display()} on {long_date(c.occurred_on)} recorded.",
    )


@role_required(Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR, Role.IRO)
def review_book(request, child_id: str):
    """Book the next looked-after review: date, time, venue and chair."""
    require_perm(request, "reviews.add_lookedafterreview")
    child = get_object_or_404(Child, child_id=child_id)
    period = child.periods_of_care.filter(ended_on__isnull=True).first()
    allocation = child.allocations.filter(ended_on__isnull=True).first()

    def book(form):
        data = form.cleaned_data
        review = lac_review_book(
            child=child, scheduled_for=form.starts_at(), venue=data["venue"], chair=data["chair"]
        )
        return reverse("schedule"), (
            f"Review for {child.full_name} booked for "
            f"{long_date(review.scheduled_for.date())} at {data['time']:%H:%M}."
        )

    intro = ""
    if period is not None and period.next_review_due:
        intro = f"Due by {long_date(period.next_review_due)}: {period.next_review_reason}."
    return meeting_page(
        request,
        heading=f"Book a looked-after review for {child.full_name}",
        caption=f"Child {child.child_id}",
        intro=intro,
        back_url=reverse("schedule"),
        book=book,
        form_class=MeetingForm,
        initial={"chair": allocation.iro_id if allocation else None},
    )
