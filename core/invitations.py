"""Invitations to a meeting, whichever area holds the meeting: the shared fields, the
rule for "the same person", the retry backoff, and sending one row exactly once.

Knows nothing of any area: a concrete model (protection.ConferenceInvitation,
reviews.ReviewInvitation) adds its meeting and its kinds of person; the caller gives
the row's wording (docs/adr/0010).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core.codes import choices_check
from core.forms import ServiceForm
from core.history import ANONYMISED, anonymised_unless_blank
from core.letters import letter_pdf
from core.models import TimeStampedModel
from core.notify import SendFailed, Sent, email_send
from core.services import FieldErrors, today

# After this many failed attempts, a failed email waits for someone to press "send again".
MAX_ATTEMPTS = 5
# The wait before trying again after the nth failure: 5, 10, 20, 40 minutes.
FIRST_RETRY = dt.timedelta(minutes=5)

ENTER_EMAIL = "Enter the email address to send the invitation to"
ENTER_ADDRESS = "Enter the postal address to send the letter to"
ENTER_WITHDRAWAL_REASON = "Enter why the invitation is being withdrawn"
ENTER_CORRECTION_REASON = "Enter why the invitation is being corrected"
INVITATION_WITHDRAWN = "This invitation was withdrawn ({reason}), so it cannot be changed"
NOTHING_TO_SEND = "Only an email invitation that failed can be sent again"
EMAIL_INVITED_TWICE = "Someone with the email address {email} is already invited"


class InvitationDelivery(models.TextChoices):
    EMAIL = "email", "By email"
    POST = "post", "By letter in the post"


class SendStatus(models.TextChoices):
    NOT_SENT = "", "Not sent by Oversight"
    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed to send"


def person_key(text: str) -> str:
    """A name or email as compared for "the same person": case and spacing ignored."""
    return " ".join(text.split()).casefold()


def retry_wait(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`th failure before trying again (doubling)."""
    return FIRST_RETRY * (1 << max(attempts - 1, 0))


class Invitation(TimeStampedModel):
    """One person invited to one meeting, and the state of sending them the invitation.
    Withdrawn with a reason (kept), never deleted."""

    Delivery = InvitationDelivery

    SendStatus = SendStatus

    name = models.CharField(max_length=120)
    # person_key(name), kept by the area's services: the same person is invited once.
    name_key = models.CharField(max_length=120, editable=False, default="")
    role = models.CharField(max_length=80, help_text="e.g. Mother, Health visitor, School.")
    delivery = models.CharField(
        max_length=5,
        choices=Delivery.choices,
        blank=True,
        help_text="Empty for an invitation Oversight did not send (recorded before, or by hand).",
    )
    email = models.EmailField(blank=True, help_text="Stored in lower case.")
    address = models.TextField("postal address", blank=True)
    invited_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    # Sending the email: invitation_send_one claims a queued row.
    send_status = models.CharField(
        max_length=8, choices=SendStatus.choices, default=SendStatus.NOT_SENT, blank=True
    )
    send_attempts = models.PositiveSmallIntegerField(default=0)
    send_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a failed send is tried again (invitations_claim_due, from a beat task).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None


def invitation_anonymised() -> dict[str, Any]:
    """What an invitation's person becomes when the retention job anonymises the
    meeting's children: no name, email or address; the role, attendance and dates kept."""
    return {
        "name": ANONYMISED,
        "name_key": "",  # not compared (invitation_constraints)
        "email": "",
        "address": "",
        "withdrawn_reason": anonymised_unless_blank("withdrawn_reason"),
        "send_error": "",
    }


def invitation_constraints(
    meeting: str, *, withdrawal: str, by_name: str, by_email: str
) -> list[models.BaseConstraint]:
    """The concrete model's shared constraints, under names it gives (so a model whose
    constraints were named before this base existed keeps them): a withdrawal has a
    reason, and one person (by name, by email) is invited once to one `meeting`."""
    return [
        models.CheckConstraint(
            condition=Q(withdrawn_on__isnull=True) | ~Q(withdrawn_reason=""), name=withdrawal
        ),
        models.UniqueConstraint(
            fields=[meeting, "name_key"],
            # A row bulk-loaded without its key (an import, a fixture) is not compared.
            condition=Q(withdrawn_on__isnull=True) & ~Q(name_key=""),
            name=by_name,
        ),
        models.UniqueConstraint(
            fields=[meeting, "email"],
            condition=Q(withdrawn_on__isnull=True) & ~Q(email=""),
            name=by_email,
        ),
        choices_check("delivery", InvitationDelivery, blank=True),
        choices_check("send_status", SendStatus, blank=True),
    ]


def to_send_index(name: str) -> models.Index:
    """The rows still to send, read by the area's retry task."""
    return models.Index(
        fields=["send_status"], condition=Q(send_status__in=["queued", "failed"]), name=name
    )


I = TypeVar("I", bound=Invitation)  # noqa: E741
Wording = Callable[[I], tuple[str, list[str]]]


def delivery_problems(errors: FieldErrors, *, delivery: str, email: str, address: str) -> None:
    """How the invitation is sent, and where to: the address that way is needed."""
    # Empty: an invitation Oversight does not send (given by hand, or recorded after).
    if delivery and delivery not in InvitationDelivery.values:
        errors.add("delivery", "Choose how the invitation is sent")
    if delivery == InvitationDelivery.EMAIL and not email:
        errors.add("email", ENTER_EMAIL)
    if delivery == InvitationDelivery.POST and not address.strip():
        errors.add("address", ENTER_ADDRESS)


def invitee_problems(
    errors: FieldErrors,
    *,
    name: str,
    role: str,
    email: str,
    others: QuerySet[I],
    invited_twice: str,
) -> None:
    """The person's name and role are given, and they are not already invited (`others`
    are the meeting's invitations still standing, this one left out)."""
    if not name.strip():
        errors.add("name", "Enter the name of the person invited")
    if not role.strip():
        errors.add("role", "Enter their role or relationship to the child")
    if name.strip() and others.filter(name_key=person_key(name)).exists():
        errors.add("name", invited_twice.format(name=" ".join(name.split())))
    if email and others.filter(email=email).exists():
        errors.add("email", EMAIL_INVITED_TWICE.format(email=email))


def invitation_new(
    model: type[I], *, name: str, role: str, delivery: str, email: str, address: str, **own: Any
) -> I:
    """An unsaved invitation with the shared fields tidied; an email one is queued."""
    return model(
        name=" ".join(name.split()),
        name_key=person_key(name),
        role=role.strip(),
        delivery=delivery,
        email=email,
        address=address.strip(),
        send_status=SendStatus.QUEUED if delivery == InvitationDelivery.EMAIL else "",
        **own,
    )


def invitation_save(invitation: Invitation, *, invited_twice: str) -> None:
    """Save, turning a race with another save of the same person into the form error
    (the unique constraints are the last word)."""
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as error:
        raise ValidationError({"name": invited_twice.format(name=invitation.name)}) from error


def invitation_send_one(
    model: type[I],
    *,
    invitation_id: int,
    wording: Wording[I],
    reference: str,
    related: Sequence[str] = (),
    send: Callable[..., Sent] = email_send,
) -> bool:
    """Send one queued email invitation, once: the row is claimed by a conditional
    update, so two workers (or a task run twice) send it once. A failure is recorded
    with its error and a time to try again."""
    rows = model._default_manager.filter(pk=invitation_id)
    claimed = rows.filter(send_status=SendStatus.QUEUED, withdrawn_on__isnull=True).update(
        send_status=SendStatus.SENDING, send_attempts=F("send_attempts") + 1
    )
    if not claimed:
        return False
    invitation = rows.select_related(*related).get()
    subject, paragraphs = wording(invitation)
    try:
        sent = send(
            to=invitation.email,
            subject=subject,
            body="\n\n".join(paragraphs),
            reference=f"{reference}-{invitation.pk}",
        )
    except SendFailed as error:
        wait = retry_wait(invitation.send_attempts)
        rows.update(
            send_status=SendStatus.FAILED,
            send_error=str(error)[:1000],
            next_attempt_at=(
                timezone.now() + wait if invitation.send_attempts < MAX_ATTEMPTS else None
            ),
        )
        return False
    rows.update(
        send_status=SendStatus.SENT,
        send_error="",
        sent_at=timezone.now(),
        next_attempt_at=None,
        provider_reference=sent.reference,
        invited_on=invitation.invited_on or timezone.localdate(),
    )
    return True


def invitations_claim_due(model: type[Invitation], *, now: dt.datetime | None = None) -> list[int]:
    """Claim the failed invitations whose wait is over (back to queued), for sending."""
    now = now or timezone.now()
    rows = model._default_manager
    due = list(
        rows.filter(
            send_status=SendStatus.FAILED, withdrawn_on__isnull=True, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    return [
        pk
        for pk in due
        if rows.filter(pk=pk, send_status=SendStatus.FAILED).update(
            send_status=SendStatus.QUEUED, next_attempt_at=None
        )
    ]


def invitation_queue_again(invitation: Invitation) -> None:
    """Queue a failed email invitation to send again, or refuse (the caller enqueues)."""
    queued = (
        type(invitation)
        ._default_manager.filter(
            pk=invitation.pk,
            send_status=SendStatus.FAILED,
            withdrawn_on__isnull=True,
            delivery=InvitationDelivery.EMAIL,
        )
        .update(send_status=SendStatus.QUEUED, send_error="")
    )
    if not queued:
        raise ValidationError({"send": NOTHING_TO_SEND})
    invitation.refresh_from_db()


def invitation_correct_row(
    invitation: I,
    *,
    errors: FieldErrors,
    name: str,
    role: str,
    delivery: str,
    email: str,
    address: str,
    reason: str,
    others: QuerySet[I],
    invited_twice: str,
    may_send: bool = True,
    **own: Any,
) -> bool:
    """Correct who is invited and how the invitation reaches them, with the reason kept
    in the row's history. `errors` holds the area's own checks (its meeting, its kinds
    of person); `others` are the meeting's invitations still standing; `own` are the
    area's fields, already checked. Returns whether the row is queued to send: a
    corrected email address is sent to afresh, while `may_send` (the meeting is still to
    come). Raises ValidationError, saving nothing, if anything is wrong."""
    email = email.strip().lower()
    delivery_problems(errors, delivery=delivery, email=email, address=address)
    invitee_problems(
        errors,
        name=name,
        role=role,
        email=email,
        others=others.exclude(pk=invitation.pk),
        invited_twice=invited_twice,
    )
    if invitation.withdrawn:
        errors.add("name", INVITATION_WITHDRAWN.format(reason=invitation.withdrawn_reason))
    if not reason.strip():
        errors.add("reason", ENTER_CORRECTION_REASON)
    errors.raise_if_any()
    resend = (
        may_send
        and delivery == InvitationDelivery.EMAIL
        and (email != invitation.email or invitation.delivery != delivery)
    )
    invitation.name = " ".join(name.split())
    invitation.name_key = person_key(name)
    invitation.role = role.strip()
    invitation.delivery = delivery
    invitation.email = email
    invitation.address = address.strip()
    for field, value in own.items():
        setattr(invitation, field, value)
    if resend:
        invitation.send_status, invitation.send_error = SendStatus.QUEUED, ""
        invitation.next_attempt_at = None
    elif delivery != InvitationDelivery.EMAIL:
        invitation.send_status = SendStatus.NOT_SENT
    # simple_history keeps 100 characters of a change's reason.
    invitation._change_reason = f"Corrected: {reason.strip()}"[:100]  # type: ignore[attr-defined]
    invitation_save(invitation, invited_twice=invited_twice)
    return resend


def invitation_withdraw_row(invitation: I, *, reason: str) -> I:
    """Withdraw an invitation: kept, with the reason, never deleted; nothing more is sent."""
    errors = FieldErrors()
    if invitation.withdrawn:
        errors.add("reason", INVITATION_WITHDRAWN.format(reason=invitation.withdrawn_reason))
    if not reason.strip():
        errors.add("reason", ENTER_WITHDRAWAL_REASON)
    errors.raise_if_any()
    invitation.withdrawn_on = today()
    invitation.withdrawn_reason = reason.strip()
    if invitation.send_status in (SendStatus.QUEUED, SendStatus.FAILED):
        invitation.send_status = SendStatus.NOT_SENT
    invitation._change_reason = f"Withdrawn: {reason.strip()}"  # type: ignore[attr-defined]
    invitation.save()
    return invitation


def invitation_letter_pdf(invitation: I, *, wording: Wording[I], sender: str) -> bytes:
    """The invitation as a letter PDF, for someone invited by post."""
    subject, paragraphs = wording(invitation)
    return letter_pdf(
        title=subject,
        paragraphs=paragraphs,
        address="\n".join([invitation.name, invitation.address]),
        dated=invitation.invited_on or timezone.localdate(),
        sender=sender,
    )


class InvitationFormBase(ServiceForm):
    """Who is invited and how the invitation reaches them; the area adds what kind of
    person they are (and anything else its meeting needs)."""

    name = forms.CharField(
        label="Name",
        max_length=120,
        error_messages={"required": "Enter the name of the person invited"},
    )
    role = forms.CharField(
        label="Relationship or role",
        max_length=80,
        help_text="For example, mother, health visitor, school.",
        error_messages={"required": "Enter their role or relationship to the child"},
    )
    delivery = forms.ChoiceField(
        label="How should the invitation be sent?",
        choices=InvitationDelivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the invitation is sent"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    address = forms.CharField(
        label="Postal address",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
