"""What an invitation says and how it goes out: an email through core.notify, or a
letter PDF through core.letters. The invitation's sending state lives on the row."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from core.dates import long_datetime
from core.letters import letter_pdf
from core.notify import SendFailed, email_send
from protection.models import (
    ChildProtectionConference,
    ConferenceInvitation,
    ConferenceKind,
    InvitationKind,
    SendStatus,
)

# After this many failed attempts, a failed email waits for someone to press "send again".
MAX_ATTEMPTS = 5
# The wait before trying again after the nth failure: 5, 10, 20, 40 minutes.
FIRST_RETRY = dt.timedelta(minutes=5)
SENDER = "Children's Safeguarding Unit"


def retry_wait(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`th failure before trying again (doubling)."""
    return FIRST_RETRY * (2 ** max(attempts - 1, 0))


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
    subject, paragraphs = invitation_wording(invitation)
    return letter_pdf(
        title=subject,
        paragraphs=paragraphs,
        address="\n".join([invitation.name, invitation.address]),
        dated=invitation.invited_on or timezone.localdate(),
        sender=SENDER,
    )


def invitation_send(*, invitation_id: int) -> bool:
    """Send one queued email invitation, once: the row is claimed by a conditional
    update, so two workers (or a task run twice) send it once. A failure is recorded
    with its error and a time to try again."""
    claimed = ConferenceInvitation.objects.filter(
        pk=invitation_id, send_status=SendStatus.QUEUED, withdrawn_on__isnull=True
    ).update(send_status=SendStatus.SENDING, send_attempts=F("send_attempts") + 1)
    if not claimed:
        return False
    invitation = ConferenceInvitation.objects.select_related("conference__chair__user").get(
        pk=invitation_id
    )
    subject, paragraphs = invitation_wording(invitation)
    try:
        sent = email_send(
            to=invitation.email,
            subject=subject,
            body="\n\n".join(paragraphs),
            reference=f"conference-invitation-{invitation.pk}",
        )
    except SendFailed as error:
        wait = retry_wait(invitation.send_attempts)
        ConferenceInvitation.objects.filter(pk=invitation_id).update(
            send_status=SendStatus.FAILED,
            send_error=str(error)[:1000],
            next_attempt_at=(
                timezone.now() + wait if invitation.send_attempts < MAX_ATTEMPTS else None
            ),
        )
        return False
    ConferenceInvitation.objects.filter(pk=invitation_id).update(
        send_status=SendStatus.SENT,
        send_error="",
        sent_at=timezone.now(),
        next_attempt_at=None,
        provider_reference=sent.reference,
        invited_on=invitation.invited_on or timezone.localdate(),
    )
    return True


def invitations_due_again(*, now: dt.datetime | None = None) -> list[int]:
    """Claim the failed invitations whose wait is over (back to queued), for sending."""
    now = now or timezone.now()
    due = list(
        ConferenceInvitation.objects.filter(
            send_status=SendStatus.FAILED,
            withdrawn_on__isnull=True,
            next_attempt_at__lte=now,
        ).values_list("pk", flat=True)
    )
    claimed = []
    for pk in due:
        if ConferenceInvitation.objects.filter(pk=pk, send_status=SendStatus.FAILED).update(
            send_status=SendStatus.QUEUED, next_attempt_at=None
        ):
            claimed.append(pk)
    return claimed
