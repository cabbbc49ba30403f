"""Services for the nightly deadline alerts: record each digest, then send it once."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from core.dates import long_date
from core.models import OutboxEvent, OutboxKind
from core.outbox import CODE, NewEvent, outbox_events_emit
from worklists.alerts import digests_build, items_from_json, items_to_json
from worklists.deadlines import PROVIDERS
from worklists.models import DeadlineDigest

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)

# Backends that accept every message and deliver none: an alert "sent" through one of
# them has reached nobody, so it is not marked sent (docs/adr/0009-hardening.md).
NON_DELIVERING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": (
        "the console email backend only prints messages"
    ),
    "django.core.mail.backends.dummy.EmailBackend": "the dummy email backend discards messages",
}


def not_delivered_reason() -> str:
    """Why the configured EMAIL_BACKEND delivers nothing, or "" if it is a real one."""
    reason = NON_DELIVERING_BACKENDS.get(settings.EMAIL_BACKEND)
    return f"Not sent: {reason}; configure SMTP (EMAIL_BACKEND and EMAIL_HOST)" if reason else ""


def deadline_digests_record(*, as_of: dt.date) -> list[DeadlineDigest]:
    """Record today's digest for each person who has something to hear about.

    A digest already recorded for that person and day is left as it is, so running the
    job again (or two beat processes at once) adds nothing.
    """
    recorded = []
    for user, (role, items) in digests_build(as_of=as_of).items():
        try:
            with transaction.atomic():
                digest, _ = DeadlineDigest.objects.get_or_create(
                    recipient=user,
                    for_date=as_of,
                    defaults={"role": role, "items": items_to_json(items)},
                )
        except IntegrityError:  # another process recorded it first
            digest = DeadlineDigest.objects.get(recipient=user, for_date=as_of)
        recorded.append(digest)
    return recorded


def overdue_deadline_key(
    *, kind: str, subject_type: str, subject_pk: int | None, who: str, due: dt.date
) -> str:
    """One deadline: its kind, the row that stores it, the child (or carer) and the date.
    A date moved (a review rebooked, a timescale changed) is a new deadline."""
    return f"deadline.overdue:{kind}:{subject_type}:{subject_pk}:{who}:{due.isoformat()}"


def overdue_deadlines_announce(*, as_of: dt.date) -> list[OutboxEvent]:
    """Tell the council's system (the outbox) of each open deadline overdue on `as_of`,
    once per deadline: tomorrow's run adds nothing for it (its key)."""
    yesterday = as_of - dt.timedelta(days=1)
    overdue = sorted(
        (item for provider in PROVIDERS for item in provider(horizon=yesterday)),
        key=lambda d: (d.due, d.kind, d.child_id or d.carer or "", d.subject_pk or 0),
    )
    events = []
    for item in overdue:
        payload: dict[str, object] = {"deadline": item.kind, "due_on": item.due, "as_of": as_of}
        if item.rule:
            payload["rule"] = item.rule
        if item.carer and CODE.match(item.carer):
            payload["carer"] = item.carer
        events.append(
            NewEvent(
                OutboxKind.DEADLINE_OVERDUE,
                overdue_deadline_key(
                    kind=item.kind,
                    subject_type=item.subject_type,
                    subject_pk=item.subject_pk,
                    who=item.child_id or item.carer or "",
                    due=item.due,
                ),
                item.subject_type,
                item.subject_pk,
                child_ref=item.child_id or "",
                payload=payload,
            )
        )
    return outbox_events_emit(events=events)


def unsent_digest_ids() -> list[int]:
    return list(
        DeadlineDigest.objects.filter(sent_at__isnull=True)
        .order_by("for_date", "pk")
        .values_list("pk", flat=True)
    )


def _claim(digest_id: int) -> bool:
    """Take the digest for sending, unless it is sent or another worker holds it."""
    now = timezone.now()
    return bool(
        DeadlineDigest.objects.filter(pk=digest_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def digest_message(digest: DeadlineDigest) -> EmailMultiAlternatives:
    """The email: child IDs, initials, dates and links only; never case details."""
    items = items_from_json(digest.items)
    overdue = sum(1 for i in items if i.status == "overdue")
    due = sum(1 for i in items if i.status == "due")
    context = {
        "digest": digest,
        "items": items,
        "overdue": overdue,
        "due": due,
        "notices": len(items) - overdue - due,
        "day": long_date(digest.for_date),
        "base_url": settings.OVERSIGHT_BASE_URL,
        "name": str(digest.recipient),
    }
    subject = f"Oversight: {overdue} overdue, {due} due soon on {long_date(digest.for_date)}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/deadline_digest.txt", context),
        to=[digest.recipient.email],
    )
    message.attach_alternative(render_to_string("email/deadline_digest.html", context), "text/html")
    return message


def deadline_digest_send(*, digest_id: int) -> bool:
    """Send one recorded digest. True if sent now; False if sent already, held elsewhere,
    or only printed.

    A failure releases the claim, keeps the error for the administrators' page and
    re-raises so the task retries with backoff. An alert counts as sent only when a real
    backend accepted it: through the console or dummy backend it stays unsent, with the
    reason in last_error, and goes out once SMTP is configured.
    """
    if not _claim(digest_id):
        return False
    digest = DeadlineDigest.objects.select_related("recipient").get(pk=digest_id)
    try:
        digest_message(digest).send()
    except Exception as exc:
        DeadlineDigest.objects.filter(pk=digest_id).update(
            claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("Deadline alert %s not sent: %s", digest_id, exc)
        raise
    if reason := not_delivered_reason():
        DeadlineDigest.objects.filter(pk=digest_id).update(claimed_at=None, last_error=reason)
        logger.warning("Deadline alert %s not sent: %s", digest_id, reason)
        return False
    DeadlineDigest.objects.filter(pk=digest_id).update(sent_at=timezone.now(), last_error="")
    return True
