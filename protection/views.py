"""Pages for conferences: booking, the conference record, invitations and outcomes."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from core.dates import long_date
from core.forms import form_page, meeting_page, posted
from core.permissions import require_object_perm, require_perm, role_required
from core.roles import Role
from core.services import today
from iro.models import Child
from protection.forms import (
    AttendanceForm,
    CancelForm,
    ConferenceBookingForm,
    InvitationForm,
    MinutesForm,
    OutcomeForm,
)
from protection.models import (
    ChildProtectionConference,
    ConferenceChild,
    ConferenceInvitation,
    ConferenceKind,
    ConferenceStatus,
)
from protection.services import (
    ChildOutcome,
    conference_cancel,
    conference_minutes_record,
    conference_record_held,
    invitation_add,
    invitation_record_attendance,
)
from protection.services import (
    conference_book as book_conference,
)

BOOKERS = (Role.BUSINESS_SUPPORT, Role.ADMINISTRATOR)


# Who may record a conference's outcome (protection/permissions.py): its chair, or a manager.
RECORD_OUTCOME = "protection.record_outcome"


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
    return list(family.distinct().order_by("date_of_birth", "first_name"))


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

    def book(form):
        data = form.cleaned_data
        chosen = [c for c in candidates if c.child_id in data["children"]]
        conference = book_conference(
            kind=kind,
            children=chosen,
            scheduled_for=form.starts_at(),
            venue=data["venue"],
            chair=data["chair"],
            family=child.family,
            transfer_notified_on=data.get("transfer_notified_on"),
        )
        names = ", ".join(c.full_name for c in chosen)
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
        form_class=ConferenceBookingForm,
        extra_fields={"kind": kind, "child_choices": choices},
        initial={
            "children": [c.child_id for c in candidates],
            "chair": allocation.iro_id if allocation else None,
        },
    )


def _conference(pk: int) -> ChildProtectionConference:
    return get_object_or_404(
        ChildProtectionConference.objects.select_related("chair__user", "family").prefetch_related(
            Prefetch(
                "covered",
                queryset=ConferenceChild.objects.select_related("child", "plan", "section47"),
            ),
            "invitations",
        ),
        pk=pk,
    )


def _conference_form(request, pk: int, form, **page):
    """A form about one conference: Back, and after saving, return to the conference."""
    here = reverse("protection:conference", args=[pk])
    page.setdefault("success_url", here)
    return form_page(request, form, back_url=here, **page)


@role_required()
def conference_detail(request, pk: int):
    conference = _conference(pk)
    scheduled = conference.status == ConferenceStatus.SCHEDULED
    return render(
        request,
        "protection/conference_detail.html",
        {
            "conference": conference,
            "entries": list(conference.covered.all()),
            "invitations": list(conference.invitations.all()),
            "scheduled": scheduled,
            "can_book": request.user.has_perm("protection.change_childprotectionconference"),
            "can_invite": request.user.has_perm("protection.add_conferenceinvitation"),
            "can_record": scheduled and request.user.has_perm(RECORD_OUTCOME, conference),
            "starts": timezone.localtime(conference.scheduled_for)
            if conference.scheduled_for
            else None,
        },
    )


@role_required(*BOOKERS)
def invitation_new(request, pk: int):
    require_perm(request, "protection.add_conferenceinvitation")
    conference = _conference(pk)
    form = InvitationForm(posted(request), initial={"invited_on": today()})
    return _conference_form(
        request,
        pk,
        form,
        heading="Invite someone to the conference",
        caption=str(conference),
        save=lambda data: invitation_add(conference=conference, **data),
        success_message=lambda i: f"{i.name} added to the invitations.",
    )


@role_required(*BOOKERS)
def attendance(request, pk: int, invitation_pk: int):
    require_perm(request, "protection.change_conferenceinvitation")
    invitation = get_object_or_404(ConferenceInvitation, pk=invitation_pk, conference_id=pk)
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


@role_required(Role.IRO, Role.HEAD_OF_SERVICE, Role.ADMINISTRATOR)
def outcome(request, pk: int):
    """The chair (or a manager) records that the conference took place and what it
    decided per child."""
    conference = _conference(pk)
    require_object_perm(request, RECORD_OUTCOME, conference)
    entries = list(conference.covered.all())
    form = OutcomeForm(
        posted(request), conference=conference, entries=entries, initial={"held_on": today()}
    )

    def save(data):
        outcomes = [
            ChildOutcome(
                child=e.child,
                outcome=data[f"outcome-{e.child.child_id}"],
                category=data.get(f"category-{e.child.child_id}", ""),
            )
            for e in entries
        ]
        # The booked chair stays the chair when a manager records it for them.
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


@role_required(*BOOKERS)
def minutes(request, pk: int):
    require_perm(request, "protection.change_childprotectionconference")
    conference = _conference(pk)
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
def cancel(request, pk: int):
    require_perm(request, "protection.change_childprotectionconference")
    conference = _conference(pk)
    form = CancelForm(posted(request))
    return _conference_form(
        request,
        pk,
        form,
        heading="Cancel the conference",
        caption=str(conference),
        save=lambda data: conference_cancel(
            conference=conference, reason=data["cancellation_reason"]
        ),
        success_url=reverse("schedule"),
        success_message="Conference cancelled.",
    )
