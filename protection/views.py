"""Pages for child protection: starting the clock (a referral's strategy discussion and
section 47 enquiry, a transfer in), booking, the conference record, invitations and
outcomes."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.dates import long_date
from core.decisions import DecisionAddForm, DecisionCorrectForm, DecisionDoneForm, WithdrawForm
from core.forms import ServiceForm, form_page, meeting_page, posted
from core.journeys import Journey, Step
from core.permissions import require_object_perm, require_perm, role_required
from core.roles import Role
from core.services import today
from iro.models import Child
from protection.forms import (
    AttendanceForm,
    CancelForm,
    ConferenceBookingForm,
    ConfirmForm,
    EnquiryCorrectForm,
    IcpcNeededForm,
    InvitationCorrectionForm,
    InvitationForm,
    MinutesForm,
    OutcomeCorrectForm,
    OutcomeForm,
    ReferralForm,
    ReportsForm,
    RescheduleForm,
    TransferInCorrectForm,
    TransferInForm,
    WithdrawalForm,
)
from protection.invitations import invitation_letter
from protection.models import (
    ChildProtectionConference,
    ConferenceChild,
    ConferenceDecision,
    ConferenceInvitation,
    ConferenceKind,
    ConferenceStatus,
    InvitationDelivery,
    Section47Enquiry,
    SendStatus,
    TransferIn,
)
from protection.preparation import preparation_tasks
from protection.selectors import corrections, decision_rows
from protection.services import (
    ENQUIRY_WITHDRAWN,
    OUTCOME_NOT_HELD,
    ChildOutcome,
    attendance_too_early,
    conference_cancel,
    conference_closed_problem,
    conference_decision_add,
    conference_decision_complete,
    conference_decision_correct,
    conference_decision_withdraw,
    conference_due_for,
    conference_minutes_record,
    conference_outcome_correct,
    conference_record_held,
    conference_reports_record,
    conference_reschedule,
    conferences_already_booked,
    invitation_add,
    invitation_correct,
    invitation_record_attendance,
    invitation_send_again,
    invitation_withdraw,
    section47_correct,
    section47_start,
    section47_withdraw,
    section47_withdraw_problem,
    transfer_in_correct,
    transfer_in_notify,
)
from protection.services import (
    conference_book as book_conference,
)

BOOKERS = (Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR)

# Who may do what (protection/permissions.py): each page asks, and the conference page
# shows an action only to someone its rule allows.
RECORD_OUTCOME = "protection.record_outcome"
MANAGE = "protection.manage_conference"
INVITE = "protection.manage_invitations"
RECORD_REFERRAL = "protection.record_referral"
CORRECT_REFERRAL = "protection.correct_referral"
CORRECT_TRANSFER = "protection.correct_transfer_in"


def _candidates(kind: str, child: Child) -> list[Child]:
    """The child, and brothers and sisters who need the same kind of conference."""
    family = (
        Child.objects.filter(family=child.family)
        if child.family_id
        else Child.objects.filter(pk=child.pk)
    )
    if kind == ConferenceKind.INITIAL:
        family = family.filter(section47_enquiries__concluded_on__isnull=True)
    elif kind == ConferenceKind.REVIEW:
        family = family.filter(cp_plans__ended_on__isnull=True)
    elif kind == ConferenceKind.TRANSFER_IN:
        family = family.filter(transfers_in__concluded_on__isnull=True)
    return list(family.distinct().order_by("date_of_birth", "first_name"))


def _booked_links(entries: list[ConferenceChild]):
    """Links to the conferences the children already have booked, for the page's intro."""
    if not entries:
        return ""
    items = format_html_join(
        "",
        '<li><a class="govuk-link" href="{}">{} conference for {} on {}</a></li>',
        (
            (
                reverse("protection:conference", args=[e.conference_id]),
                e.conference.get_kind_display(),
                e.child.full_name,
                long_date(timezone.localtime(e.conference.scheduled_for).date())
                if e.conference.scheduled_for
                else "no date",
            )
            for e in entries
        ),
    )
    return format_html(
        '<p class="govuk-body">Already booked (move or cancel it there rather than '
        'booking again):</p><ul class="govuk-list govuk-list--bullet">{}</ul>',
        items,
    )


@role_required(*BOOKERS)
def conference_book(request):
    """Book a conference; an initial conference for a sibling group is one meeting."""
    require_perm(request, "protection.add_childprotectionconference")
    kind = request.GET.get("kind", ConferenceKind.INITIAL)
    if kind not in ConferenceKind.values:
        kind = ConferenceKind.INITIAL
    child = get_object_or_404(Child, child_id=request.GET.get("child", ""))
    candidates = _candidates(kind, child) or [child]
    choices = [(c.child_id, f"{c.full_name} ({c.child_id})") for c in candidates]
    label = ConferenceKind(kind).label.lower()
    notified = kind == ConferenceKind.TRANSFER_IN and any(
        c.transfers_in.filter(concluded_on__isnull=True).exists() for c in candidates
    )

    def chosen(form) -> list[Child]:
        picked = form.cleaned_data.get("children") or []
        return [c for c in candidates if c.child_id in picked]

    def earliest_due(form) -> dt.date | None:
        dues = [
            d[0]
            for c in chosen(form)
            if (d := conference_due_for(kind=kind, child=c)) and d[0] is not None
        ]
        return min(dues) if dues else None

    def book(form):
        data = form.cleaned_data
        picked = chosen(form)
        conference = book_conference(
            kind=kind,
            children=picked,
            scheduled_for=form.starts_at(),
            venue=data["venue"],
            chair=data["chair"],
            deputy_chair=data.get("deputy_chair"),
            family=child.family,
            transfer_notified_on=data.get("transfer_notified_on"),
            booking_warnings=getattr(form, "accepted_warnings", []),
        )
        names = ", ".join(c.full_name for c in picked)
        return reverse("protection:conference", args=[conference.pk]), (
            f"The {label} conference for {names} is booked for "
            f"{long_date(data['date'])} at {data['time']:%H:%M}."
        )

    allocation = child.allocations.filter(ended_on__isnull=True).first()
    return meeting_page(
        request,
        heading=f"Book a{'n' if label[0] in 'aeiou' else ''} {label} conference",
        caption=f"{child.full_name}, child {child.child_id}",
        back_url=reverse("schedule"),
        book=book,
        due_on=earliest_due,
        form_class=ConferenceBookingForm,
        extra_fields={"kind": kind, "child_choices": choices, "notified": notified},
        initial={
            "children": [c.child_id for c in candidates],
            "chair": allocation.iro_id if allocation else None,
        },
        intro=_booked_links(conferences_already_booked(children=candidates, kind=kind)),
    )


def _conference(pk: int) -> ChildProtectionConference:
    return get_object_or_404(
        ChildProtectionConference.objects.select_related(
            "chair__user", "deputy_chair__user", "family"
        ).prefetch_related(
            Prefetch(
                "covered",
                queryset=ConferenceChild.objects.select_related("child", "plan", "section47"),
            ),
            "invitations",
            "moves__moved_by",
            "moves__from_chair__user",
        ),
        pk=pk,
    )


def _refusal(request, conference: ChildProtectionConference, message: str) -> HttpResponse:
    """A page that cannot be used for this conference now, saying why (409)."""
    return _refused(
        request,
        message,
        caption=str(conference),
        back_url=reverse("protection:conference", args=[conference.pk]),
        back_label="Back to the conference",
    )


def _refused(request, message: str, *, caption: str, back_url: str, back_label: str):
    """A page that cannot be used now, saying why (409), with the way back."""
    return render(
        request,
        "protection/refusal.html",
        {"message": message, "caption": caption, "back_url": back_url, "back_label": back_label},
        status=409,
    )


def _conference_form(request, pk: int, form, **page):
    """A form about one conference: Back, and after saving, return to the conference."""
    here = reverse("protection:conference", args=[pk])
    page.setdefault("success_url", here)
    return form_page(request, form, back_url=here, **page)


def _task_urls(conference, *, can_manage: bool, can_invite: bool, can_record: bool) -> dict:
    """The task list's links, only those the person may use."""
    if conference.status == ConferenceStatus.CANCELLED:
        return {}
    pk = conference.pk
    urls = {}
    if can_invite:
        urls["invite"] = reverse("protection:invite", args=[pk])
    if can_manage:
        urls["reports"] = reverse("protection:reports", args=[pk])
        if conference.status == ConferenceStatus.HELD:
            urls["record"] = reverse("protection:minutes", args=[pk])
    if can_record:
        urls["held"] = reverse("protection:outcome", args=[pk])
    return urls


@role_required()
def conference_detail(request, pk: int):
    conference = _conference(pk)
    scheduled = conference.status == ConferenceStatus.SCHEDULED
    user = request.user
    can_manage = user.has_perm(MANAGE, conference)
    can_invite = scheduled and user.has_perm(INVITE, conference)
    invitations = list(conference.invitations.all())
    return render(
        request,
        "protection/conference_detail.html",
        {
            "conference": conference,
            "entries": list(conference.covered.all()),
            "invitations": [i for i in invitations if not i.withdrawn],
            "withdrawn": [i for i in invitations if i.withdrawn],
            "moves": list(conference.moves.all()),
            "scheduled": scheduled,
            "closed": conference_closed_problem(conference),
            "can_manage": can_manage and conference.status != ConferenceStatus.CANCELLED,
            "can_move": can_manage and scheduled,
            "can_invite": can_invite,
            "can_attendance": user.has_perm(INVITE, conference)
            and conference.status != ConferenceStatus.CANCELLED
            and attendance_too_early(conference) is None,
            "can_record": scheduled and user.has_perm(RECORD_OUTCOME, conference),
            "decisions": decision_rows(conference, as_of=today()),
            "can_add_decision": conference.status == ConferenceStatus.HELD
            and user.has_perm(RECORD_OUTCOME, conference),
            "can_correct_outcome": conference.status == ConferenceStatus.HELD
            and user.has_perm(RECORD_OUTCOME, conference),
            "corrections": [
                h
                for h in corrections(conference)
                if not h.history_change_reason.startswith(("Moved:", "Transfer corrected:"))
            ],
            "failed": [i for i in invitations if i.send_status == SendStatus.FAILED],
            "tasks": preparation_tasks(
                conference,
                invitations,
                urls=_task_urls(
                    conference,
                    can_manage=can_manage,
                    can_invite=can_invite,
                    can_record=scheduled and user.has_perm(RECORD_OUTCOME, conference),
                ),
            ),
            "starts": timezone.localtime(conference.scheduled_for)
            if conference.scheduled_for
            else None,
        },
    )


def _invitation(pk: int, invitation_pk: int) -> ConferenceInvitation:
    return get_object_or_404(
        ConferenceInvitation.objects.select_related("conference__chair__user"),
        pk=invitation_pk,
        conference_id=pk,
    )


def _closed(request, conference) -> HttpResponse | None:
    problem = conference_closed_problem(conference)
    return _refusal(request, conference, problem) if problem else None


@role_required(*BOOKERS)
def invitation_new(request, pk: int):
    require_perm(request, "protection.add_conferenceinvitation")
    conference = _conference(pk)
    require_object_perm(request, INVITE, conference)
    if refused := _closed(request, conference):
        return refused
    if conference.status == ConferenceStatus.HELD:
        return _refusal(
            request, conference, "This conference has been held: nobody more can be invited"
        )
    form = InvitationForm(posted(request), initial={"invited_on": today()})
    return _conference_form(
        request,
        pk,
        form,
        heading="Invite someone to the conference",
        caption=str(conference),
        save=lambda data: invitation_add(conference=conference, **data),
        success_message=lambda i: (
            f"{i.name} added to the invitations."
            + (" The email is on its way." if i.delivery == InvitationDelivery.EMAIL else "")
            + (
                " Print the letter from the invitations list."
                if i.delivery == InvitationDelivery.POST
                else ""
            )
        ),
    )


def _invitation_to_change(
    request, pk: int, invitation_pk: int, *, withdrawn_too: bool = False
) -> tuple[ConferenceInvitation, HttpResponse | None]:
    """The invitation a page changes, and the refusal to show instead when its conference
    is closed to changes or (unless `withdrawn_too`) the invitation was withdrawn."""
    require_perm(request, "protection.change_conferenceinvitation")
    invitation = _invitation(pk, invitation_pk)
    refused = _closed(request, invitation.conference)
    if refused is None and invitation.withdrawn and not withdrawn_too:
        refused = _refusal(
            request, invitation.conference, f"The invitation to {invitation.name} was withdrawn"
        )
    return invitation, refused


@role_required(*BOOKERS)
def attendance(request, pk: int, invitation_pk: int):
    invitation, refused = _invitation_to_change(request, pk, invitation_pk)
    if refused:
        return refused
    conference = invitation.conference
    if problem := attendance_too_early(conference):
        return _refusal(request, conference, problem)
    form = AttendanceForm(posted(request), initial={"attendance": invitation.attendance})
    return _conference_form(
        request,
        pk,
        form,
        heading=f"Did {invitation.name} attend?",
        caption=f"{invitation.role}, {invitation.get_kind_display().lower()}",
        save=lambda data: invitation_record_attendance(invitation=invitation, **data),
        success_message=lambda i: f"Attendance recorded for {i.name}.",
    )


@role_required(*BOOKERS)
def invitation_change(request, pk: int, invitation_pk: int):
    """Correct an invitation (name, role, how it is sent), with a reason kept in history."""
    invitation, refused = _invitation_to_change(request, pk, invitation_pk)
    if refused:
        return refused
    conference = invitation.conference
    form = InvitationCorrectionForm(
        posted(request),
        initial={
            "name": invitation.name,
            "kind": invitation.kind,
            "role": invitation.role,
            "has_parental_responsibility": invitation.has_parental_responsibility,
            "delivery": invitation.delivery,
            "email": invitation.email,
            "address": invitation.address,
        },
    )
    return _conference_form(
        request,
        pk,
        form,
        heading=f"Correct the invitation to {invitation.name}",
        caption=str(conference),
        save=lambda data: invitation_correct(invitation=invitation, **data),
        success_message=lambda i: f"The invitation to {i.name} is corrected.",
    )


@role_required(*BOOKERS)
def invitation_withdrawal(request, pk: int, invitation_pk: int):
    invitation, refused = _invitation_to_change(request, pk, invitation_pk)
    if refused:
        return refused
    conference = invitation.conference
    form = WithdrawalForm(posted(request))
    return _conference_form(
        request,
        pk,
        form,
        heading=f"Withdraw the invitation to {invitation.name}",
        caption=str(conference),
        save=lambda data: invitation_withdraw(invitation=invitation, reason=data["reason"]),
        success_message=lambda i: (
            f"The invitation to {i.name} is withdrawn. It stays in the record."
        ),
    )


@role_required(*BOOKERS)
def invitation_resend(request, pk: int, invitation_pk: int):
    """Send a failed invitation email again (a button on a page of its own)."""
    invitation, refused = _invitation_to_change(request, pk, invitation_pk, withdrawn_too=True)
    if refused:
        return refused
    conference = invitation.conference
    form = ConfirmForm(posted(request), submit_label="Send it again")
    return _conference_form(
        request,
        pk,
        form,
        heading=f"Send the invitation to {invitation.name} again",
        caption=str(conference),
        intro=(
            f"The last attempt to {invitation.email} failed: {invitation.send_error}"
            if invitation.send_error
            else f"It will be sent to {invitation.email}."
        ),
        save=lambda data: invitation_send_again(invitation=invitation),
        success_message=lambda i: f"The invitation to {i.name} is being sent again.",
    )


@role_required(*BOOKERS)
def invitation_letter_pdf(request, pk: int, invitation_pk: int):
    """The invitation as a letter to print and post."""
    require_perm(request, "protection.view_conferenceinvitation")
    invitation = _invitation(pk, invitation_pk)
    if invitation.withdrawn or conference_closed_problem(invitation.conference):
        raise PermissionDenied
    response = HttpResponse(invitation_letter(invitation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="conference-invitation-{invitation.pk}.pdf"'
    )
    return response


@role_required(*BOOKERS)
def reschedule(request, pk: int):
    """Move a booked conference: invitations and attendance stay with it."""
    require_perm(request, "protection.change_childprotectionconference")
    conference = _conference(pk)
    require_object_perm(request, MANAGE, conference)
    if refused := _closed(request, conference):
        return refused
    if conference.status != ConferenceStatus.SCHEDULED:
        return _refusal(request, conference, "This conference has been held, so it cannot be moved")
    starts = timezone.localtime(conference.scheduled_for) if conference.scheduled_for else None

    def earliest_due(form) -> dt.date | None:
        dues = [e.due_on for e in conference.covered.all() if e.due_on]
        return min(dues) if dues else None

    def book(form):
        data = form.cleaned_data
        conference_reschedule(
            conference=conference,
            scheduled_for=form.starts_at(),
            venue=data["venue"],
            chair=data["chair"],
            reason=data["reason"],
            moved_by=request.user,
            booking_warnings=getattr(form, "accepted_warnings", []),
        )
        return reverse("protection:conference", args=[pk]), (
            f"The conference is moved to {long_date(data['date'])} at {data['time']:%H:%M}. "
            "Tell the people invited."
        )

    return meeting_page(
        request,
        heading="Move the conference",
        caption=str(conference),
        back_url=reverse("protection:conference", args=[pk]),
        book=book,
        due_on=earliest_due,
        ignore=("conference", conference.pk),
        form_class=RescheduleForm,
        initial={
            "date": starts.date() if starts else None,
            "time": starts.time() if starts else None,
            "venue": conference.venue,
            "chair": conference.chair_id,
        },
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE)
def outcome(request, pk: int):
    """The chair, the named deputy or the Head of Service records that the conference
    took place and what it decided per child."""
    conference = _conference(pk)
    require_object_perm(request, RECORD_OUTCOME, conference)
    if refused := _closed(request, conference):
        return refused
    if conference.status == ConferenceStatus.HELD:
        return _refusal(request, conference, "The outcome of this conference is already recorded")
    entries = list(conference.covered.all())
    form = OutcomeForm(
        posted(request), conference=conference, entries=entries, initial={"held_on": today()}
    )

    def save(data):
        outcomes = _outcomes(entries, data)
        # The booked chair stays the chair when a deputy or a manager records it for them.
        chair = conference.chair or getattr(request.user, "iro_profile", None)
        return conference_record_held(
            conference=conference, held_on=data["held_on"], outcomes=outcomes, chair=chair
        )

    return _conference_form(
        request,
        pk,
        form,
        heading="Record the conference's outcome",
        caption=str(conference),
        save=save,
        success_message="Outcome recorded. Review conference dates are updated.",
    )


def _outcomes(entries: list[ConferenceChild], data: dict) -> list[ChildOutcome]:
    """Each child's outcome (and a plan's category) as an outcome form gave them."""
    return [
        ChildOutcome(
            child=e.child,
            outcome=data[f"outcome-{e.child.child_id}"],
            category=data.get(f"category-{e.child.child_id}", ""),
        )
        for e in entries
    ]


@role_required(Role.IRO, Role.HEAD_OF_SERVICE)
def outcome_correct(request, pk: int):
    """The chair, the named deputy or the Head of Service corrects a held conference's
    date and outcomes, saying why; plans and review conference dates follow."""
    conference = _conference(pk)
    require_object_perm(request, RECORD_OUTCOME, conference)
    if refused := _closed(request, conference):
        return refused
    if conference.status != ConferenceStatus.HELD:
        return _refusal(request, conference, OUTCOME_NOT_HELD)
    entries = list(conference.covered.all())
    initial: dict = {"held_on": conference.held_on}
    for entry in entries:
        initial[f"outcome-{entry.child.child_id}"] = entry.outcome
        if entry.plan is not None and conference.kind != ConferenceKind.REVIEW:
            initial[f"category-{entry.child.child_id}"] = entry.plan.initial_category
    form = OutcomeCorrectForm(
        posted(request), conference=conference, entries=entries, initial=initial
    )
    return _conference_form(
        request,
        pk,
        form,
        heading="Correct the conference's outcome",
        caption=str(conference),
        save=lambda data: conference_outcome_correct(
            conference=conference,
            held_on=data["held_on"],
            outcomes=_outcomes(entries, data),
            reason=data["reason"],
            by=request.user,
        ),
        success_message="Outcome corrected. Plans and review conference dates are updated.",
    )


@role_required(*BOOKERS)
def minutes(request, pk: int):
    require_perm(request, "protection.change_childprotectionconference")
    conference = _conference(pk)
    require_object_perm(request, MANAGE, conference)
    if refused := _closed(request, conference):
        return refused
    form = MinutesForm(posted(request), initial={"minutes_sent_on": today()})
    return _conference_form(
        request,
        pk,
        form,
        heading="When were the minutes sent?",
        caption=str(conference),
        save=lambda data: conference_minutes_record(conference=conference, **data),
        success_message="Minutes recorded as sent.",
    )


@role_required(*BOOKERS)
def reports(request, pk: int):
    require_perm(request, "protection.change_childprotectionconference")
    conference = _conference(pk)
    require_object_perm(request, MANAGE, conference)
    if refused := _closed(request, conference):
        return refused
    form = ReportsForm(
        posted(request), initial={"reports_in_on": conference.reports_in_on or today()}
    )
    return _conference_form(
        request,
        pk,
        form,
        heading="When were the reports all in?",
        caption=str(conference),
        save=lambda data: conference_reports_record(conference=conference, **data),
        success_message="Reports recorded as in.",
    )


@role_required(*BOOKERS)
def cancel(request, pk: int):
    require_perm(request, "protection.change_childprotectionconference")
    conference = _conference(pk)
    require_object_perm(request, MANAGE, conference)
    if refused := _closed(request, conference):
        return refused
    if conference.status == ConferenceStatus.HELD:
        return _refusal(
            request, conference, "This conference has been held, so it cannot be cancelled"
        )
    form = CancelForm(posted(request))
    return _conference_form(
        request,
        pk,
        form,
        heading="Cancel the conference",
        caption=str(conference),
        intro="The people invited are not told by Oversight: tell them yourself.",
        save=lambda data: conference_cancel(
            conference=conference, reason=data["cancellation_reason"]
        ),
        success_url=reverse("schedule"),
        success_message="Conference cancelled.",
    )


# --- Starting the clock: a referral's strategy discussion and section 47 enquiry ------

REFERRAL_SESSION = "protection:referral:{child}"
TRANSFER_SESSION = "protection:transfer_in:{child}"
# Each question page's address.
QUESTION_URLS = {
    "dates": "protection:referral",
    "outcome": "protection:referral_outcome",
    "notice": "protection:transfer_in",
}


def _child(child_id: str) -> Child:
    return get_object_or_404(Child, child_id=child_id)


def _referral_journey(child: Child) -> Journey:
    return Journey(
        REFERRAL_SESSION.format(child=child.child_id),
        (
            Step("dates", lambda data, answers: ReferralForm(data, child=child)),
            Step("outcome", lambda data, answers: IcpcNeededForm(data)),
        ),
    )


def _transfer_journey(child: Child) -> Journey:
    return Journey(
        TRANSFER_SESSION.format(child=child.child_id),
        (Step("notice", lambda data, answers: TransferInForm(data, child=child)),),
    )


def _question_url(child: Child, slug: str) -> str:
    return reverse(QUESTION_URLS[slug], args=[child.child_id])


def _start_again(request, child: Child, journey: Journey) -> HttpResponse:
    """A later question asked for before the earlier ones were answered (or after the
    session ended): say so, and link to the first question."""
    return render(
        request,
        "protection/start_again.html",
        {
            "heading": "Start from the first question",
            "caption": f"{child.full_name}, child {child.child_id}",
            "back_url": _record_url(child),
            "start_url": _question_url(child, journey.steps[0].slug),
        },
    )


def _record_url(child: Child) -> str:
    return reverse("children:child_detail", args=[child.child_id])


def _question_page(
    request, child: Child, journey: Journey, slug: str, *, heading: str, check: str
) -> HttpResponse:
    """One question of a journey that starts a clock; once answered, the next question
    still unanswered, or the check page."""
    walk = journey.walk(request)
    earlier = [step.slug for step in journey.steps[: journey.steps.index(journey.step(slug))]]
    if any(step.slug in earlier for step in walk.unanswered):
        return _start_again(request, child, journey)
    form = cast(ServiceForm, journey.page_form(request, slug))

    def keep(_data) -> str:
        journey.keep(request, slug, form)
        following = journey.following(request, slug, skip_answered=True)
        return (
            _question_url(child, following) if following else reverse(check, args=[child.child_id])
        )

    before = journey.previous(request, slug)
    return form_page(
        request,
        form,
        heading=heading,
        caption=f"{child.full_name}, child {child.child_id}",
        back_url=_question_url(child, before) if before else _record_url(child),
        save=keep,
        success_url=lambda url: url,
    )


@role_required(*BOOKERS)
def referral(request, child_id: str):
    """Question 1 of 2: the referral date and the strategy discussion's date."""
    require_perm(request, RECORD_REFERRAL)
    child = _child(child_id)
    return _question_page(
        request,
        child,
        _referral_journey(child),
        "dates",
        heading="The referral and the strategy discussion",
        check="protection:referral_check",
    )


@role_required(*BOOKERS)
def referral_outcome(request, child_id: str):
    """Question 2 of 2: whether the enquiry needs an initial conference."""
    require_perm(request, RECORD_REFERRAL)
    child = _child(child_id)
    return _question_page(
        request,
        child,
        _referral_journey(child),
        "outcome",
        heading="The outcome of the strategy discussion",
        check="protection:referral_check",
    )


def _check_page(
    request, *, child, journey: Journey, heading, rows, save, submit_label, field_rows
) -> HttpResponse:
    """A check-your-answers page: the answers with Change links, and one button that
    calls the service. A service's refusal is listed, linked to the answer to change.
    Unanswered questions are asked first (from the first, if that one is unanswered)."""
    walk = journey.walk(request)
    if walk.unanswered:
        if walk.unanswered[0] is journey.steps[0]:
            return _start_again(request, child, journey)
        return redirect(_question_url(child, walk.unanswered[0].slug))
    form = ConfirmForm(posted(request), submit_label=submit_label)
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            url, message = save(walk.answers)
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                anchor = f"answer-{field_rows.get(field, next(iter(field_rows.values())))}"
                errors += [(anchor, text) for text in texts]
        else:
            journey.clear(request)
            messages.success(request, message)
            return redirect(url)
    return render(
        request,
        "protection/check_answers.html",
        {
            "heading": heading,
            "caption": f"{child.full_name}, child {child.child_id}",
            "back_url": _question_url(child, journey.steps[-1].slug),
            "rows": rows(walk.answers),
            "form": form,
            "error_list": errors,
        },
        status=400 if errors else 200,
    )


@role_required(*BOOKERS)
def referral_check(request, child_id: str):
    """Check the answers, then record the enquiry and say when the conference is due."""
    require_perm(request, RECORD_REFERRAL)
    child = _child(child_id)
    dates_url = _question_url(child, "dates")
    outcome_url = _question_url(child, "outcome")

    def rows(answers):
        referral_on = answers.get("referral_on")
        return [
            (
                "referral_on",
                "Referral date",
                long_date(referral_on) if referral_on else "",
                dates_url,
            ),
            (
                "strategy_discussion_on",
                "Date of the strategy discussion (section 47 start)",
                long_date(answers["strategy_discussion_on"]),
                dates_url,
            ),
            (
                "icpc_needed",
                "Initial conference needed",
                "Yes" if answers["icpc_needed"] == "yes" else "No",
                outcome_url,
            ),
        ]

    def save(answers):
        needed = answers["icpc_needed"] == "yes"
        enquiry = section47_start(
            child=child,
            referral_on=answers.get("referral_on"),
            strategy_discussion_on=answers["strategy_discussion_on"],
            icpc_not_required=not needed,
        )
        return _record_url(child), _enquiry_message("Section 47 enquiry recorded.", enquiry)

    return _check_page(
        request,
        child=child,
        journey=_referral_journey(child),
        heading="Check your answers before recording the enquiry",
        rows=rows,
        save=save,
        submit_label="Record the enquiry",
        field_rows={
            "referral_on": "referral_on",
            "strategy_discussion_on": "strategy_discussion_on",
            "icpc_not_required": "icpc_needed",
        },
    )


def _enquiry_message(done: str, enquiry) -> str:
    """What a recorded (or corrected) enquiry means for the initial conference."""
    if enquiry.icpc_not_required:
        return f"{done} No initial conference is needed, so no conference date is due."
    due = long_date(enquiry.icpc_due)
    return f"{done} Initial conference due by {due}: {enquiry.icpc_due_reason}."


@role_required(*BOOKERS)
def transfer_in(request, child_id: str):
    """Notice of a child on another council's plan moving here."""
    require_perm(request, RECORD_REFERRAL)
    child = _child(child_id)
    return _question_page(
        request,
        child,
        _transfer_journey(child),
        "notice",
        heading="A child on a plan is moving here",
        check="protection:transfer_in_check",
    )


@role_required(*BOOKERS)
def transfer_in_check(request, child_id: str):
    require_perm(request, RECORD_REFERRAL)
    child = _child(child_id)
    change = _question_url(child, "notice")

    def rows(answers):
        return [
            ("notified_on", "Date notified", long_date(answers["notified_on"]), change),
            ("from_council", "Moving from", answers.get("from_council", ""), change),
        ]

    def save(answers):
        transfer = transfer_in_notify(
            child=child,
            notified_on=answers["notified_on"],
            from_council=answers.get("from_council", ""),
        )
        return _record_url(child), _transfer_message("Transfer in recorded.", transfer)

    return _check_page(
        request,
        child=child,
        journey=_transfer_journey(child),
        heading="Check your answers before recording the transfer in",
        rows=rows,
        save=save,
        submit_label="Record the transfer in",
        field_rows={"notified_on": "notified_on", "from_council": "from_council"},
    )


def _transfer_message(done: str, transfer) -> str:
    return (
        f"{done} Transfer-in conference due by "
        f"{long_date(transfer.conference_due)}: {transfer.conference_due_reason}."
    )


# --- Correcting what started the clock: an enquiry, a transfer-in notice -------------


def _record_refusal(request, child: Child, message: str) -> HttpResponse:
    return _refused(
        request,
        message,
        caption=f"{child.full_name}, child {child.child_id}",
        back_url=_record_url(child),
        back_label="Back to the child's record",
    )


def _enquiry(request, child_id: str, pk: int) -> Section47Enquiry:
    """The enquiry a correction page is about (withdrawn ones too, to say so)."""
    require_perm(request, CORRECT_REFERRAL)
    return get_object_or_404(
        Section47Enquiry.all_objects.select_related("child"), pk=pk, child__child_id=child_id
    )


def _record_form(request, child: Child, form, **page) -> HttpResponse:
    """A form about something on the child's record: Back, and after saving, return there."""
    here = _record_url(child)
    return form_page(
        request,
        form,
        caption=f"{child.full_name}, child {child.child_id}",
        back_url=here,
        success_url=here,
        **page,
    )


def _enquiry_now(enquiry: Section47Enquiry) -> str:
    referral = f"referral {long_date(enquiry.referral_on)}, " if enquiry.referral_on else ""
    strategy = long_date(enquiry.strategy_discussion_on)
    return f"Recorded now: {referral}strategy discussion {strategy}."


@role_required(*BOOKERS)
def enquiry_correct(request, child_id: str, pk: int):
    """Correct a referral's section 47 enquiry (its dates, whether an initial conference
    is needed), saying why; the conference's due date is worked out again."""
    enquiry = _enquiry(request, child_id, pk)
    child = enquiry.child
    if enquiry.is_withdrawn:
        return _record_refusal(
            request, child, ENQUIRY_WITHDRAWN.format(reason=enquiry.withdrawn_reason)
        )
    form = EnquiryCorrectForm(
        posted(request),
        child=child,
        initial={
            "referral_on": enquiry.referral_on,
            "strategy_discussion_on": enquiry.strategy_discussion_on,
            "icpc_not_required": "true" if enquiry.icpc_not_required else "false",
        },
    )
    return _record_form(
        request,
        child,
        form,
        heading="Correct the referral and section 47 enquiry",
        intro=_enquiry_now(enquiry),
        save=lambda data: section47_correct(enquiry=enquiry, by=request.user, **data),
        success_message=lambda e: _enquiry_message("Section 47 enquiry corrected.", e),
    )


@role_required(*BOOKERS)
def enquiry_withdraw(request, child_id: str, pk: int):
    """Withdraw a referral and section 47 enquiry entered in error, with a reason; not once
    an initial conference has been held on it (the page says why)."""
    enquiry = _enquiry(request, child_id, pk)
    child = enquiry.child
    if problem := section47_withdraw_problem(enquiry):
        return _record_refusal(request, child, problem)
    return _record_form(
        request,
        child,
        WithdrawForm(posted(request)),
        heading="Withdraw the referral and section 47 enquiry",
        intro=_enquiry_now(enquiry),
        save=lambda data: section47_withdraw(
            enquiry=enquiry, reason=data["reason"], by=request.user
        ),
        success_message=(
            "Section 47 enquiry withdrawn. It is kept, with the reason, and no initial "
            "conference is due for it."
        ),
    )


@role_required(*BOOKERS)
def transfer_in_correct_view(request, child_id: str, pk: int):
    """Correct a transfer-in notice's date or council, saying why; the transfer-in
    conference's due date is worked out again."""
    require_perm(request, CORRECT_TRANSFER)
    transfer = get_object_or_404(
        TransferIn.objects.select_related("child"), pk=pk, child__child_id=child_id
    )
    child = transfer.child
    form = TransferInCorrectForm(
        posted(request),
        child=child,
        initial={"notified_on": transfer.notified_on, "from_council": transfer.from_council},
    )
    return _record_form(
        request,
        child,
        form,
        heading="Correct the transfer-in notification",
        intro=(
            f"Recorded now: notified on {long_date(transfer.notified_on)} by "
            f"{transfer.from_council}."
        ),
        save=lambda data: transfer_in_correct(transfer=transfer, by=request.user, **data),
        success_message=lambda t: _transfer_message("Transfer in corrected.", t),
    )


# A conference's decisions: tracked actions (core.decisions) ---------------------------

UPDATE_DECISION = "protection.update_decision"


def _decisions_refusal(request, conference: ChildProtectionConference) -> HttpResponse | None:
    if conference.status == ConferenceStatus.CANCELLED:
        return _refusal(
            request, conference, "This conference was cancelled, so it took no decisions"
        )
    if conference.status != ConferenceStatus.HELD:
        return _refusal(request, conference, "Record the conference's outcome before its decisions")
    return None


@role_required(Role.IRO, Role.HEAD_OF_SERVICE)
def decision_add(request, pk: int):
    """The chair, the named deputy or the Head of Service records a decision of a held
    conference: what is to be done, who is responsible and by when."""
    conference = _conference(pk)
    require_object_perm(request, RECORD_OUTCOME, conference)
    if refused := _decisions_refusal(request, conference):
        return refused
    return _conference_form(
        request,
        pk,
        DecisionAddForm(posted(request)),
        heading="Record a decision of the conference",
        caption=str(conference),
        save=lambda data: conference_decision_add(conference=conference, by=request.user, **data),
        success_message="Decision recorded.",
    )


def _decision(request, decision_pk: int) -> ConferenceDecision:
    decision = get_object_or_404(
        ConferenceDecision.objects.select_related(
            "conference__chair__user", "conference__deputy_chair__user"
        ),
        pk=decision_pk,
    )
    require_object_perm(request, UPDATE_DECISION, decision)
    return decision


def _decision_page(request, decision: ConferenceDecision, form, *, heading: str, save, message):
    conference = decision.conference
    return _conference_form(
        request,
        conference.pk,
        form,
        heading=heading,
        caption=str(conference),
        intro=f"{decision.action} ({decision.owner}, due by {long_date(decision.due_on)})",
        save=save,
        success_message=message,
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE)
def decision_done(request, decision_pk: int):
    """Mark a conference's decision done."""
    decision = _decision(request, decision_pk)
    return _decision_page(
        request,
        decision,
        DecisionDoneForm(posted(request), initial={"completed_on": today()}),
        heading="Mark a decision done",
        save=lambda data: conference_decision_complete(
            decision=decision, completed_on=data["completed_on"], by=request.user
        ),
        message="Decision marked done.",
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE)
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
        save=lambda data: conference_decision_correct(decision=decision, by=request.user, **data),
        message="Decision corrected.",
    )


@role_required(Role.IRO, Role.HEAD_OF_SERVICE)
def decision_withdraw(request, decision_pk: int):
    """Withdraw a decision recorded in error: kept with the reason, no longer tracked."""
    decision = _decision(request, decision_pk)
    return _decision_page(
        request,
        decision,
        WithdrawForm(posted(request)),
        heading="Withdraw a decision",
        save=lambda data: conference_decision_withdraw(
            decision=decision, reason=data["reason"], by=request.user
        ),
        message="Decision withdrawn. It is kept, with the reason, but no longer tracked.",
    )
