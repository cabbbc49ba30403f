"""Pages for the IRO's looked-after work: booking, moving, cancelling and recording
reviews, their decisions, circulation, contacts, and corrections to each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.dates import default_calendar, long_date
from core.forms import error_summary_items, form_page, meeting_page, posted
from core.permissions import require_object_perm, require_perm, role_required
from core.roles import Role
from core.services import today
from core.timescales import default_timescales
from iro.models import Child
from reviews.forms import (
    CirculationForm,
    ContactCorrectForm,
    ContactForm,
    DecisionCorrectForm,
    DecisionDoneForm,
    DecisionFormSet,
    ReviewBookingForm,
    ReviewCancelForm,
    ReviewCorrectForm,
    ReviewRecordForm,
    ReviewRescheduleForm,
    WithdrawForm,
)
from reviews.models import IROContact, LookedAfterReview, ReviewDecision, ReviewStatus
from reviews.rules import circulation_due, needs_permanence_plan
from reviews.selectors import decision_rows
from reviews.services import (
    DecisionInput,
    booked_review,
    iro_contact_correct,
    iro_contact_record,
    iro_contact_withdraw,
    lac_review_book,
    lac_review_cancel,
    lac_review_circulation_record,
    lac_review_correct,
    lac_review_record,
    lac_review_reschedule,
    review_decision_complete,
    review_decision_correct,
    review_decision_withdraw,
    review_open_to_changes,
)

# Who may record a review (reviews/permissions.py): a booked review's chair, otherwise
# the child's IRO, or a manager.
RECORD_REVIEW = "reviews.record_review"


def _day(day) -> str:
    return long_date(day) if day else "a date not recorded"


def _child_url(child: Child) -> str:
    return reverse("children:child_detail", args=[child.child_id])


def _closed(request, review: LookedAfterReview, why: str):
    """A review that can no longer be changed: say so, and why (409)."""
    return render(
        request,
        "reviews/review_closed.html",
        {"review": review, "child": review.child, "why": why},
        status=409,
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def review_record(request, child_id: str, review_pk: int | None = None):
    """Record a held review: participation, seen alone, permanence, decisions. A booked
    review is its chair's to record; otherwise the child's IRO's (or a manager's).

    Recording a review while one is booked records that booking (reviews.services), so
    this page is the booked review's whichever link led here."""
    child = get_object_or_404(Child, child_id=child_id)
    booked: LookedAfterReview | None
    if review_pk is not None:
        booked = get_object_or_404(
            LookedAfterReview.objects.select_related("chair", "child"), pk=review_pk, child=child
        )
        require_object_perm(request, RECORD_REVIEW, booked)
        closed = review_open_to_changes(booked)
        if closed:
            return _closed(request, booked, closed)
    else:
        require_object_perm(request, RECORD_REVIEW, child)
        booked = booked_review(child)
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
        initial={"held_on": min(on, today())},
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
    last = (
        period.reviews.filter(status=ReviewStatus.HELD).order_by("-held_on").first()
        if period
        else None
    )
    still_open = [row for row in decision_rows(last, as_of=today()) if row.is_open] if last else []
    return render(
        request,
        "reviews/review_record.html",
        {
            "form": form,
            "decisions": decisions,
            "child": child,
            "period": period,
            "booked": booked,
            "last_review": last,
            "still_open": still_open,
            "still_open_caption": last and f"Decisions of the review held {_day(last.held_on)}",
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
    form = ContactForm(posted(request), child=child, initial={"occurred_on": today()})
    return form_page(
        request,
        form,
        heading=f"Record a contact with {child.full_name}",
        caption=f"Child {child.child_id}",
        back_url=_child_url(child),
        save=lambda data: iro_contact_record(child=child, iro=iro, **data),
        success_url=_child_url(child),
        success_message=lambda c: f"{c.get_kind_display()} on {long_date(c.occurred_on)} recorded.",
    )


def _contact(request, contact_pk: int) -> IROContact:
    contact = get_object_or_404(
        IROContact.objects.select_related("child", "iro__user"), pk=contact_pk
    )
    require_object_perm(request, "reviews.correct_contact", contact)
    return contact


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def contact_correct(request, contact_pk: int):
    """Correct a contact (its author or a manager), saying why; the history keeps both."""
    contact = _contact(request, contact_pk)
    child = contact.child
    form = ContactCorrectForm(
        posted(request),
        child=child,
        initial={
            "occurred_on": contact.occurred_on,
            "kind": contact.kind,
            "seen_alone": contact.seen_alone,
            "note": contact.note,
        },
    )
    return form_page(
        request,
        form,
        heading="Correct a contact",
        caption=f"{child.full_name}, child {child.child_id}",
        back_url=_child_url(child),
        save=lambda data: iro_contact_correct(contact=contact, by=request.user, **data),
        success_url=_child_url(child),
        success_message="Contact corrected.",
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def contact_withdraw(request, contact_pk: int):
    """Withdraw a contact recorded in error: kept with the reason, counted nowhere."""
    contact = _contact(request, contact_pk)
    child = contact.child
    return form_page(
        request,
        WithdrawForm(posted(request)),
        heading="Withdraw a contact",
        caption=f"{child.full_name}, child {child.child_id}",
        intro=f"{contact.get_kind_display()} on {long_date(contact.occurred_on)} by {contact.iro}.",
        back_url=_child_url(child),
        save=lambda data: iro_contact_withdraw(
            contact=contact, reason=data["reason"], by=request.user
        ),
        success_url=_child_url(child),
        success_message="Contact withdrawn. It is kept, with the reason, but no longer counted.",
    )


def _meeting_errors(book):
    """Call a booking service, putting its `scheduled_for` errors on the date field."""

    def call(form):
        try:
            return book(form)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            messages_by_field = error.message_dict
            if "scheduled_for" in messages_by_field:
                messages_by_field["date"] = messages_by_field.pop("scheduled_for")
            raise ValidationError(messages_by_field) from error

    return call


def _due_intro(period) -> str:
    intro = ""
    if period is not None and period.next_review_due:
        intro = f"Due by {long_date(period.next_review_due)}: {period.next_review_reason}."
    return intro


@role_required(Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR, Role.IRO)
def review_book(request, child_id: str):
    """Book the next looked-after review: date, time, venue and chair. Refused before the
    child's period of care started, and while a review is booked (move that one)."""
    require_perm(request, "reviews.add_lookedafterreview")
    child = get_object_or_404(Child, child_id=child_id)
    require_object_perm(request, "reviews.book_review", child)
    period = child.periods_of_care.filter(ended_on__isnull=True).first()
    allocation = child.allocations.filter(ended_on__isnull=True).first()
    existing = booked_review(child)

    @_meeting_errors
    def book(form):
        data = form.cleaned_data
        review = lac_review_book(
            child=child,
            scheduled_for=form.starts_at(),
            venue=data["venue"],
            chair=data["chair"],
            warnings_accepted=form.accepted_warnings,
        )
        return reverse("schedule"), (
            f"Review for {child.full_name} booked for "
            f"{long_date(review.scheduled_for.date())} at {data['time']:%H:%M}."
        )

    intro = _due_intro(period)
    if existing is not None and existing.scheduled_for is not None:
        when = timezone.localtime(existing.scheduled_for)
        intro = format_html(
            '{} A review is already booked for {} at {}: <a class="govuk-link" href="{}">'
            "reschedule that review</a> instead of booking another.",
            intro,
            long_date(when.date()),
            f"{when:%H:%M}",
            reverse("reviews:review_reschedule", args=[existing.pk]),
        )
    return meeting_page(
        request,
        heading=f"Book a looked-after review for {child.full_name}",
        caption=f"Child {child.child_id}",
        intro=intro,
        back_url=reverse("schedule"),
        book=book,
        form_class=ReviewBookingForm,
        extra_fields={"child": child, "period": period, "booked": existing},
        due_on=lambda form: period.next_review_due if period else None,
        initial={"chair": allocation.iro_id if allocation else None},
    )


def _booking(request, review_pk: int) -> LookedAfterReview:
    review = get_object_or_404(
        LookedAfterReview.objects.select_related("child", "chair__user", "period"), pk=review_pk
    )
    require_perm(request, "reviews.change_lookedafterreview")
    require_object_perm(request, "reviews.change_booking", review)
    return review


@role_required(Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR, Role.IRO)
def review_reschedule(request, review_pk: int):
    """Move a booked review to another date, time, venue or chair, saying why; the move
    is kept (from, to, who, when, why) and shown on the child's record."""
    review = _booking(request, review_pk)
    closed = review_open_to_changes(review)
    if closed:
        return _closed(request, review, closed)
    child, period = review.child, review.period
    when = timezone.localtime(review.scheduled_for) if review.scheduled_for else None

    @_meeting_errors
    def move(form):
        data = form.cleaned_data
        moved = lac_review_reschedule(
            review=review,
            scheduled_for=form.starts_at(),
            venue=data["venue"],
            chair=data["chair"],
            reason=data["reason"],
            by=request.user,
            warnings_accepted=form.accepted_warnings,
        )
        return _child_url(child), (
            f"Review for {child.full_name} moved to "
            f"{long_date(moved.scheduled_for.date())} at {data['time']:%H:%M}."
        )

    intro = f"Booked for {long_date(when.date())} at {when:%H:%M}, {review.venue}." if when else ""
    return meeting_page(
        request,
        heading=f"Reschedule the review for {child.full_name}",
        caption=f"Child {child.child_id}",
        intro=f"{intro} {_due_intro(period)}".strip(),
        back_url=_child_url(child),
        book=move,
        form_class=ReviewRescheduleForm,
        extra_fields={"child": child, "period": period},
        ignore=("lac_review", review.pk),
        due_on=lambda form: period.next_review_due if period else None,
        initial={
            "date": when.date() if when else None,
            "time": f"{when:%H:%M}" if when else None,
            "venue": review.venue,
            "chair": review.chair_id,
        },
    )


@role_required(Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR, Role.IRO)
def review_cancel(request, review_pk: int):
    """Cancel a booked review with a reason; it is then closed to changes."""
    review = _booking(request, review_pk)
    closed = review_open_to_changes(review)
    if closed:
        return _closed(request, review, closed)
    child = review.child
    when = timezone.localtime(review.scheduled_for) if review.scheduled_for else None
    return form_page(
        request,
        ReviewCancelForm(posted(request)),
        heading=f"Cancel the review for {child.full_name}",
        caption=f"Child {child.child_id}",
        intro=f"Booked for {long_date(when.date())} at {when:%H:%M}, {review.venue}."
        if when
        else "",
        back_url=_child_url(child),
        save=lambda data: lac_review_cancel(
            review=review, reason=data["cancellation_reason"], by=request.user
        ),
        success_url=_child_url(child),
        success_message="Review cancelled.",
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def review_correct(request, review_pk: int):
    """Correct a held review's date, participation code or seen-alone answer, saying why."""
    review = get_object_or_404(
        LookedAfterReview.objects.select_related("child", "chair__user"), pk=review_pk
    )
    require_object_perm(request, "reviews.correct_review", review)
    if review.status != ReviewStatus.HELD:
        return _closed(
            request,
            review,
            review_open_to_changes(review) or "Only a review that has been held can be corrected",
        )
    child = review.child
    form = ReviewCorrectForm(
        posted(request),
        initial={
            "held_on": review.held_on,
            "participation_code": review.participation_code,
            "child_seen_alone": None
            if review.child_seen_alone is None
            else ("yes" if review.child_seen_alone else "no"),
        },
    )
    return form_page(
        request,
        form,
        heading="Correct the review's details",
        caption=f"{child.full_name}, review of {_day(review.held_on)}",
        back_url=_child_url(child),
        save=lambda data: lac_review_correct(review=review, by=request.user, **data),
        success_url=_child_url(child),
        success_message="Review corrected.",
    )


def _decision(request, decision_pk: int) -> ReviewDecision:
    decision = get_object_or_404(
        ReviewDecision.objects.select_related("review__child", "review__chair__user"),
        pk=decision_pk,
    )
    require_object_perm(request, "reviews.update_decision", decision)
    return decision


def _decision_page(request, decision: ReviewDecision, form, *, heading: str, save, message: str):
    child = decision.review.child
    return form_page(
        request,
        form,
        heading=heading,
        caption=f"{child.full_name}, review of {_day(decision.review.held_on)}",
        intro=f"{decision.action} ({decision.owner}, due by {long_date(decision.due_on)})",
        back_url=_child_url(child),
        save=save,
        success_url=_child_url(child),
        success_message=message,
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def decision_done(request, decision_pk: int):
    """Mark a review's decision done (the child's IRO, the chair, or a manager)."""
    decision = _decision(request, decision_pk)
    form = DecisionDoneForm(posted(request), initial={"completed_on": today()})
    return _decision_page(
        request,
        decision,
        form,
        heading="Mark a decision done",
        save=lambda data: review_decision_complete(
            decision=decision, completed_on=data["completed_on"], by=request.user
        ),
        message="Decision marked done.",
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def decision_correct(request, decision_pk: int):
    """Correct a decision's action, owner or due date, saying why."""
    decision = _decision(request, decision_pk)
    form = DecisionCorrectForm(
        posted(request),
        initial={"action": decision.action, "owner": decision.owner, "due_on": decision.due_on},
    )
    return _decision_page(
        request,
        decision,
        form,
        heading="Correct a decision",
        save=lambda data: review_decision_correct(decision=decision, by=request.user, **data),
        message="Decision corrected.",
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def decision_withdraw(request, decision_pk: int):
    """Withdraw a decision recorded in error: kept with the reason, no longer tracked."""
    decision = _decision(request, decision_pk)
    return _decision_page(
        request,
        decision,
        WithdrawForm(posted(request)),
        heading="Withdraw a decision",
        save=lambda data: review_decision_withdraw(
            decision=decision, reason=data["reason"], by=request.user
        ),
        message="Decision withdrawn. It is kept, with the reason, but no longer tracked.",
    )
