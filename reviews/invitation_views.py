"""Pages for a review's invitations: invite someone to a booked review, correct or
withdraw an invitation, send a failed email again, download a letter to post, and,
once the review is held, record who attended (reviews.invitations)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from core.forms import form_page, posted
from core.invitations import INVITATION_WITHDRAWN
from core.permissions import role_required
from core.roles import Role
from reviews.forms import (
    ReviewAttendanceForm,
    ReviewInvitationCorrectForm,
    ReviewInvitationForm,
    ReviewInvitationWithdrawForm,
    SendAgainForm,
)
from reviews.invitations import (
    review_attendance_too_early,
    review_invitation_add,
    review_invitation_attendance_record,
    review_invitation_correct,
    review_invitation_letter,
    review_invitation_not_correctable,
    review_invitation_not_withdrawable,
    review_invitation_send_again,
    review_invitation_withdraw,
    review_not_open_to_invitations,
)
from reviews.models import LookedAfterReview, ReviewInvitation
from reviews.views import _booking, _closed

# Whoever may book a review (reviews/permissions.py) invites people to it.
BOOKERS = (Role.BUSINESS_SUPPORT, Role.IRO, Role.ADMINISTRATOR)


def _record_url(review: LookedAfterReview) -> str:
    return reverse("children:child_detail", args=[review.child.child_id])


def _invitation(request, invitation_pk: int) -> ReviewInvitation:
    invitation = get_object_or_404(ReviewInvitation, pk=invitation_pk)
    invitation.review = _booking(request, invitation.review_id)
    return invitation


@role_required(*BOOKERS)
def review_invite(request, review_pk: int):
    """Invite the child, a parent, a carer or a professional to a booked review."""
    review = _booking(request, review_pk)
    if closed := review_not_open_to_invitations(review):
        return _closed(request, review, closed)
    return form_page(
        request,
        ReviewInvitationForm(posted(request)),
        heading=f"Invite someone to {review.child.full_name}'s review",
        caption=f"Child {review.child.child_id}",
        back_url=_record_url(review),
        save=lambda data: review_invitation_add(review=review, **data),
        success_url=_record_url(review),
        success_message=lambda i: f"{i.name} is invited.",
    )


def _refused(request, invitation: ReviewInvitation, why: str | None):
    """The refusal page (409) when the invitation's review or the invitation itself is
    closed to this change, else None."""
    if why is None and invitation.withdrawn:
        why = INVITATION_WITHDRAWN.format(reason=invitation.withdrawn_reason)
    return _closed(request, invitation.review, why) if why else None


@role_required(*BOOKERS)
def review_invitation_withdrawal(request, invitation_pk: int):
    """Withdraw an invitation to a booked review, saying why; it is kept, and nothing
    more is sent. Refused once the review is held or cancelled."""
    invitation = _invitation(request, invitation_pk)
    if refused := _refused(
        request, invitation, review_invitation_not_withdrawable(invitation.review)
    ):
        return refused
    return form_page(
        request,
        ReviewInvitationWithdrawForm(posted(request)),
        heading=f"Withdraw the invitation to {invitation.name}",
        caption=f"Child {invitation.review.child.child_id}",
        back_url=_record_url(invitation.review),
        save=lambda data: review_invitation_withdraw(invitation=invitation, reason=data["reason"]),
        success_url=_record_url(invitation.review),
        success_message=lambda i: f"The invitation to {i.name} is withdrawn.",
    )


@role_required(*BOOKERS)
def review_invitation_correction(request, invitation_pk: int):
    """Correct an invitation (name, who they are, role, how it is sent), saying why."""
    invitation = _invitation(request, invitation_pk)
    if refused := _refused(
        request, invitation, review_invitation_not_correctable(invitation.review)
    ):
        return refused
    form = ReviewInvitationCorrectForm(
        posted(request),
        initial={
            "name": invitation.name,
            "kind": invitation.kind,
            "role": invitation.role,
            "delivery": invitation.delivery,
            "email": invitation.email,
            "address": invitation.address,
        },
    )
    return form_page(
        request,
        form,
        heading=f"Correct the invitation to {invitation.name}",
        caption=f"Child {invitation.review.child.child_id}",
        back_url=_record_url(invitation.review),
        save=lambda data: review_invitation_correct(invitation=invitation, **data),
        success_url=_record_url(invitation.review),
        success_message=lambda i: f"The invitation to {i.name} is corrected.",
    )


@role_required(*BOOKERS)
def review_invitation_attendance(request, invitation_pk: int):
    """Record whether an invitee attended the held review, and how they contributed."""
    invitation = _invitation(request, invitation_pk)
    if refused := _refused(request, invitation, review_attendance_too_early(invitation.review)):
        return refused
    form = ReviewAttendanceForm(
        posted(request),
        initial={"attendance": invitation.attendance, "contribution": invitation.contribution},
    )
    return form_page(
        request,
        form,
        heading=f"Did {invitation.name} attend the review?",
        caption=f"{invitation.role}, child {invitation.review.child.child_id}",
        back_url=_record_url(invitation.review),
        save=lambda data: review_invitation_attendance_record(invitation=invitation, **data),
        success_url=_record_url(invitation.review),
        success_message=lambda i: f"Attendance recorded for {i.name}.",
    )


@role_required(*BOOKERS)
def review_invitation_resend(request, invitation_pk: int):
    """Send a failed invitation email again (a button on a page of its own)."""
    invitation = _invitation(request, invitation_pk)
    return form_page(
        request,
        SendAgainForm(posted(request)),
        heading=f"Send the invitation to {invitation.name} again",
        caption=f"Child {invitation.review.child.child_id}",
        intro=f"The last attempt to {invitation.email} failed: {invitation.send_error}"
        if invitation.send_error
        else f"It will be sent to {invitation.email}.",
        back_url=_record_url(invitation.review),
        save=lambda data: review_invitation_send_again(invitation=invitation),
        success_url=_record_url(invitation.review),
        success_message=lambda i: f"The invitation to {i.name} is being sent again.",
    )


@role_required(*BOOKERS)
def review_invitation_letter_pdf(request, invitation_pk: int):
    """The invitation as a letter to print and post."""
    invitation = _invitation(request, invitation_pk)
    if invitation.withdrawn:
        raise PermissionDenied
    response = HttpResponse(review_invitation_letter(invitation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="review-invitation-{invitation.pk}.pdf"'
    )
    return response
