"""Invitations to a looked-after review: who is invited (the child, parents, carers,
professionals), what the invitation says, and sending it by email or as a letter.

The shared machinery (fields, retries, sending once) is core.invitations; this module
adds the review: invitations only while it is booked, kept when it moves."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.dates import long_datetime
from core.invitations import (
    INVITATION_WITHDRAWN,
    InvitationDelivery,
    SendStatus,
    delivery_problems,
    invitation_correct_row,
    invitation_letter_pdf,
    invitation_new,
    invitation_queue_again,
    invitation_save,
    invitation_send_one,
    invitation_withdraw_row,
    invitations_claim_due,
    invitee_problems,
)
from core.notify import email_send
from core.services import FieldErrors
from reviews.models import (
    LookedAfterReview,
    ReviewAttendance,
    ReviewContribution,
    ReviewInvitation,
    ReviewInvitationKind,
    ReviewStatus,
)

SENDER = "Independent Reviewing Service"
INVITED_TWICE = "{name} is already invited to this review"
REVIEW_NOT_BOOKED = {
    ReviewStatus.CANCELLED: "This review was cancelled ({reason}), so nobody can be invited",
    ReviewStatus.HELD: "This review has been held, so nobody more can be invited",
}
# A held review's invitations are what happened: who came is recorded instead.
WITHDRAWAL_CLOSED = {
    ReviewStatus.CANCELLED: "This review was cancelled ({reason}), so its invitations stay as "
    "they were and cannot be withdrawn",
    ReviewStatus.HELD: "This review has been held, so its invitations cannot be withdrawn: "
    "record whether each person attended instead",
}
CORRECTION_CLOSED = "This review was cancelled ({reason}), so its invitations cannot be corrected"
ATTENDANCE_BEFORE_HELD = "Attendance can be recorded once the review has been held"
ATTENDANCE_CODES = "Choose attended, sent apologies or did not attend"
CONTRIBUTION_CODES = "Choose how they contributed"
ATTENDED_ELSEWHERE = "Someone who attended took part in person, or by phone or video"
NOT_THERE = "Someone who did not attend took part in writing, through someone else, or not at all"
_AT_THE_REVIEW = {ReviewContribution.IN_PERSON, ReviewContribution.REMOTELY}


def review_invitation_wording(invitation: ReviewInvitation) -> tuple[str, list[str]]:
    """The invitation's subject and paragraphs, in plain English for whoever reads it."""
    review = invitation.review
    child = review.child.full_name
    starts = timezone.localtime(review.scheduled_for) if review.scheduled_for else None
    when = f"{starts:%A} {long_datetime(starts)}" if starts else "a time to be arranged"
    chair = str(review.chair) if review.chair else "an independent reviewing officer"
    if invitation.kind == ReviewInvitationKind.CHILD:
        subject = f"Your review meeting: {when}"
        opening = (
            "Your review is a meeting about how things are going for you and what happens "
            "next. You can come, and you can tell us what you think before or at the meeting."
        )
    else:
        subject = f"Invitation: looked-after review for {child}, {when}"
        opening = f"You are invited, as {invitation.role.lower()}, to the review of {child}'s care."
    moved = review.moves.exists()
    return subject, [
        f"Dear {invitation.name},",
        opening,
        f"When: {when}." + (" This is a new time: the review has moved." if moved else ""),
        f"Where: {review.venue or 'to be arranged'}.",
        f"The review is chaired by {chair}. If you cannot come, please tell them before.",
    ]


def review_invitation_letter(invitation: ReviewInvitation) -> bytes:
    """The invitation as a letter PDF, for someone invited by post."""
    return invitation_letter_pdf(invitation, wording=review_invitation_wording, sender=SENDER)


def review_invitation_send(*, invitation_id: int) -> bool:
    """Send one queued email invitation, once (core.invitations.invitation_send_one)."""
    return invitation_send_one(
        ReviewInvitation,
        invitation_id=invitation_id,
        wording=review_invitation_wording,
        reference="review-invitation",
        related=["review__child", "review__chair__user"],
        send=email_send,
    )


def review_invitations_due_again(*, now: dt.datetime | None = None) -> list[int]:
    """Claim the failed review invitations whose wait is over (back to queued)."""
    return invitations_claim_due(ReviewInvitation, now=now)


def _enqueue_send(invitation: ReviewInvitation) -> None:
    from reviews.tasks import review_invitation_send as task

    pk = invitation.pk
    transaction.on_commit(lambda: task.delay(pk))


def review_not_open_to_invitations(review: LookedAfterReview) -> str | None:
    """Why nobody can be invited to this review (cancelled or held), or None."""
    problem = REVIEW_NOT_BOOKED.get(ReviewStatus(review.status))
    return problem.format(reason=review.cancellation_reason) if problem else None


@transaction.atomic
def review_invitation_add(
    *,
    review: LookedAfterReview,
    name: str,
    kind: str,
    role: str,
    delivery: str = "",
    email: str = "",
    address: str = "",
) -> ReviewInvitation:
    """Invite one person to a booked review, once; an email invitation is queued to send
    (reviews.tasks.review_invitation_send), a letter is ready to print from the page."""
    review = LookedAfterReview.objects.select_for_update().get(pk=review.pk)
    email = email.strip().lower()
    errors = FieldErrors()
    if problem := review_not_open_to_invitations(review):
        errors.add("name", problem)
    if kind not in ReviewInvitationKind.values:
        errors.add("kind", "Choose the child, a parent, a carer or a professional")
    delivery_problems(errors, delivery=delivery, email=email, address=address)
    invitee_problems(
        errors,
        name=name,
        role=role,
        email=email,
        others=review.invitations.filter(withdrawn_on__isnull=True),
        invited_twice=INVITED_TWICE,
    )
    errors.raise_if_any()
    invitation = invitation_new(
        ReviewInvitation,
        name=name,
        role=role,
        delivery=delivery,
        email=email,
        address=address,
        review=review,
        kind=kind,
    )
    invitation_save(invitation, invited_twice=INVITED_TWICE)
    if invitation.send_status == SendStatus.QUEUED:
        _enqueue_send(invitation)
    return invitation


def review_invitation_not_withdrawable(review: LookedAfterReview) -> str | None:
    """Why the review's invitations can no longer be withdrawn (held or cancelled)."""
    problem = WITHDRAWAL_CLOSED.get(ReviewStatus(review.status))
    return problem.format(reason=review.cancellation_reason) if problem else None


@transaction.atomic
def review_invitation_withdraw(*, invitation: ReviewInvitation, reason: str) -> ReviewInvitation:
    """Withdraw an invitation to a booked review: kept, with the reason, never deleted;
    nothing more is sent. Refused once the review is held or cancelled."""
    review = LookedAfterReview.objects.select_for_update().get(pk=invitation.review_id)
    if problem := review_invitation_not_withdrawable(review):
        raise ValidationError({"reason": problem})
    return invitation_withdraw_row(invitation, reason=reason)


def review_invitation_not_correctable(review: LookedAfterReview) -> str | None:
    """Why the review's invitations can no longer be corrected (it was cancelled)."""
    if review.status == ReviewStatus.CANCELLED:
        return CORRECTION_CLOSED.format(reason=review.cancellation_reason)
    return None


@transaction.atomic
def review_invitation_correct(
    *,
    invitation: ReviewInvitation,
    name: str,
    kind: str,
    role: str,
    delivery: str,
    email: str,
    address: str,
    reason: str,
) -> ReviewInvitation:
    """Correct who was invited, as what, and how the invitation reaches them, saying why
    (core.invitations.invitation_correct_row); a corrected email address is sent to
    afresh while the review is booked. Refused for a cancelled review."""
    review = LookedAfterReview.objects.select_for_update().get(pk=invitation.review_id)
    errors = FieldErrors()
    if problem := review_invitation_not_correctable(review):
        errors.add("name", problem)
    if kind not in ReviewInvitationKind.values:
        errors.add("kind", "Choose the child, a parent, a carer or a professional")
    queued = invitation_correct_row(
        invitation,
        errors=errors,
        name=name,
        role=role,
        delivery=delivery,
        email=email,
        address=address,
        reason=reason,
        others=review.invitations.filter(withdrawn_on__isnull=True),
        invited_twice=INVITED_TWICE,
        may_send=review.status == ReviewStatus.SCHEDULED,
        kind=kind,
    )
    if queued:
        _enqueue_send(invitation)
    return invitation


def review_attendance_too_early(review: LookedAfterReview) -> str | None:
    """Why attendance cannot be recorded for the review (it has not been held), or None."""
    return None if review.status == ReviewStatus.HELD else ATTENDANCE_BEFORE_HELD


@transaction.atomic
def review_invitation_attendance_record(
    *, invitation: ReviewInvitation, attendance: str, contribution: str
) -> ReviewInvitation:
    """Record whether an invitee attended the held review and how their views reached it;
    a change of what was recorded is kept in the history."""
    review = LookedAfterReview.objects.select_for_update().get(pk=invitation.review_id)
    errors = FieldErrors()
    if problem := review_attendance_too_early(review):
        errors.add("attendance", problem)
    if invitation.withdrawn:
        errors.add("attendance", INVITATION_WITHDRAWN.format(reason=invitation.withdrawn_reason))
    if attendance not in ReviewAttendance.values or not attendance:
        errors.add("attendance", ATTENDANCE_CODES)
    if contribution not in ReviewContribution.values:
        errors.add("contribution", CONTRIBUTION_CODES)
    elif attendance == ReviewAttendance.ATTENDED and contribution not in _AT_THE_REVIEW:
        errors.add("contribution", ATTENDED_ELSEWHERE)
    elif attendance and attendance != ReviewAttendance.ATTENDED and contribution in _AT_THE_REVIEW:
        errors.add("contribution", NOT_THERE)
    errors.raise_if_any()
    invitation.attendance, invitation.contribution = attendance, contribution
    invitation._change_reason = "Attendance recorded"  # type: ignore[attr-defined]
    invitation.save()
    return invitation


def review_invitation_send_again(*, invitation: ReviewInvitation) -> ReviewInvitation:
    """Queue a failed email invitation to send again (the "send again" action)."""
    if problem := review_not_open_to_invitations(invitation.review):
        raise ValidationError({"send": problem})
    invitation_queue_again(invitation)
    _enqueue_send(invitation)
    return invitation


def review_invitations_moved(*, review: LookedAfterReview) -> int:
    """After a review moves: queue again every email invitation already sent (or being
    sent), so each invitee hears the new time. Called inside the reschedule."""
    moved = list(
        review.invitations.filter(
            withdrawn_on__isnull=True,
            delivery=InvitationDelivery.EMAIL,
            send_status__in=[SendStatus.SENT, SendStatus.FAILED],
        )
    )
    for invitation in moved:
        invitation.send_status, invitation.send_error = SendStatus.QUEUED, ""
        invitation.next_attempt_at = None
        invitation._change_reason = "Review moved: sent the new time"  # type: ignore[attr-defined]
        invitation.save()
        _enqueue_send(invitation)
    return len(moved)


def review_invitations_cancelled(*, review: LookedAfterReview) -> None:
    """Nobody is left waiting for an email about a review that will not happen."""
    review.invitations.filter(send_status__in=[SendStatus.QUEUED, SendStatus.FAILED]).update(
        send_status=SendStatus.NOT_SENT, next_attempt_at=None
    )
