"""What an invitation says and how it goes out: an email through core.notify, or a
letter PDF through core.letters. The invitation's sending state lives on the row."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from core.dates import long_datetime
from core.invitations import invitation_letter_pdf, invitation_send_one, invitations_claim_due
from core.notify import email_send
from protection.models import (
    ChildProtectionConference,
    ConferenceInvitation,
    ConferenceKind,
    InvitationKind,
)

SENDER = "Children's Safeguarding Unit"


def _names(conference: ChildProtectionConference) -> list[str]:
    return [e.child.full_name for e in conference.covered.select_related("child")]


def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def invitation_wording(invitation: ConferenceInvitation) -> tuple[str, list[str]]:
    """The invitation's subject and its paragraphs: plain English for the child's family,
    the practical details for a professional."""
    conference = invitation.conference
    names = _names(conference)
    starts = timezone.localtime(conference.scheduled_for) if conference.scheduled_for else None
    kind = {
        ConferenceKind.INITIAL: "an initial",
        ConferenceKind.TRANSFER_IN: "a transfer-in",
        ConferenceKind.REVIEW: "a review",
    }[ConferenceKind(conference.kind)]
    context = {
        "name": invitation.name,
        "role": invitation.role.lower(),
        "children": _and(names),
        "kind_article": kind,
        "when": f"{starts:%A} {long_datetime(starts)}" if starts else "to be arranged",
        "venue": conference.venue or "to be arranged",
        "chair": str(conference.chair) if conference.chair else "an independent reviewing officer",
    }
    family = invitation.kind == InvitationKind.FAMILY
    template = "email/invitation_family.txt" if family else "email/invitation_professional.txt"
    body = render_to_string(template, context).strip()
    subject = (
        f"A meeting about {context['children']}: {context['when']}"
        if family
        else f"Invitation: {kind[kind.index(' ') + 1 :]} child protection conference, "
        f"{context['when']}"
    )
    return subject, [p.strip() for p in body.split("\n\n") if p.strip()]


def invitation_letter(invitation: ConferenceInvitation) -> bytes:
    """The invitation as a letter PDF, for someone invited by post."""
    return invitation_letter_pdf(invitation, wording=invitation_wording, sender=SENDER)


def invitation_send(*, invitation_id: int) -> bool:
    """Send one queued email invitation, once (core.invitations.invitation_send_one)."""
    return invitation_send_one(
        ConferenceInvitation,
        invitation_id=invitation_id,
        wording=invitation_wording,
        reference="conference-invitation",
        related=["conference__chair__user"],
        send=email_send,
    )


def invitations_due_again(*, now: dt.datetime | None = None) -> list[int]:
    """Claim the failed invitations whose wait is over (back to queued), for sending."""
    return invitations_claim_due(ConferenceInvitation, now=now)
