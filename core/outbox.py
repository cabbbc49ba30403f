"""The outbox: what the council's case system is told, in order (docs/api.md).

The areas' services add an event inside their own transaction (`outbox_event_emit`), so
an event exists exactly when its change was saved. The council's system polls them
(/api/v1/outbox/?after=<id>) or, with OVERSIGHT_WEBHOOK_URL set, is sent each one by the
webhook (`webhook_deliver`, run by beat every minute: core.tasks), signed with
OVERSIGHT_WEBHOOK_SECRET.

An event carries IDs, dates and codes only, never names or free text: it leaves the
council's records. The kernel knows no app, so each area names its own records
(`subject_type` is the model's "app_label.model").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import OutboxEvent, OutboxKind

logger = logging.getLogger(__name__)

# A payload's strings are codes and references ("lac_review", "2024-05-01", "C123"):
# anything with a space or longer than this is free text, and refused.
CODE = re.compile(r"^[A-Za-z0-9_.:/\-]{0,40}$")
PAYLOAD_NOT_CODES = "An outbox payload holds IDs, dates and codes only, not {key}={value!r}"

# Of two transactions adding events, the second waits at its first event until the first
# commits (PostgreSQL's transaction-level advisory lock), so ids are committed in order:
# a poller that has read up to id N never later finds an event below N. The writers hold
# it only from their first event to their commit, which the services keep short.
OUTBOX_LOCK = 0x0FE75E7  # any constant; only this module takes it


@dataclass(frozen=True)
class NewEvent:
    kind: OutboxKind
    key: str
    subject_type: str
    subject_pk: int | None
    child_ref: str = ""
    payload: Mapping[str, object] = field(default_factory=dict)


def _plain(key: str, value: object) -> object:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and CODE.match(value):
        return value
    raise ValueError(PAYLOAD_NOT_CODES.format(key=key, value=value))


def _row(event: NewEvent, occurred_at: dt.datetime) -> OutboxEvent:
    return OutboxEvent(
        kind=event.kind,
        key=event.key,
        occurred_at=occurred_at,
        subject_type=event.subject_type,
        subject_pk=event.subject_pk,
        child_ref=event.child_ref,
        payload={k: _plain(k, v) for k, v in event.payload.items()},
    )


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OUTBOX_LOCK])


def outbox_events_emit(*, events: Sequence[NewEvent]) -> list[OutboxEvent]:
    """Add each event whose key is new, in the order given; return those added. An event
    already added (its key) is left as it is, so a job run twice tells nothing twice.

    Call it last in the service's transaction: the lock it takes is held to the commit,
    and a writer holding it must not then wait for rows another writer has locked."""
    if not events:
        return []
    with transaction.atomic():
        _lock()
        keys = [e.key for e in events]
        seen: set[str] = set()
        for start in range(0, len(keys), 1000):
            seen.update(
                OutboxEvent.objects.filter(key__in=keys[start : start + 1000]).values_list(
                    "key", flat=True
                )
            )
        now = timezone.now()
        rows = []
        for event in events:
            if event.key not in seen:
                seen.add(event.key)
                rows.append(_row(event, now))
        try:
            with transaction.atomic():
                return OutboxEvent.objects.bulk_create(rows)
        except IntegrityError:  # added meanwhile without the lock (SQLite): one at a time
            added = []
            for row in rows:
                try:
                    with transaction.atomic():
                        row.save()
                    added.append(row)
                except IntegrityError:
                    continue
            return added


def outbox_event_emit(
    *,
    kind: OutboxKind,
    key: str,
    subject_type: str,
    subject_pk: int | None,
    child_ref: str = "",
    payload: Mapping[str, object] | None = None,
) -> OutboxEvent | None:
    """Add one event unless its key was added before; the event, or None if it was."""
    added = outbox_events_emit(
        events=[NewEvent(kind, key, subject_type, subject_pk, child_ref, payload or {})]
    )
    return added[0] if added else None


def event_json(event: OutboxEvent) -> dict[str, object]:
    """An event as the poll endpoint lists it and the webhook posts it."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "child_id": event.child_ref or None,
        "subject_type": event.subject_type,
        "subject_id": event.subject_pk,
        "payload": event.payload,
    }


# The webhook ----------------------------------------------------------------------------

SIGNATURE_HEADER = "X-Oversight-Signature"
TIMESTAMP_HEADER = "X-Oversight-Timestamp"
EVENT_ID_HEADER = "X-Oversight-Event-Id"
# A claim older than this belongs to a worker that died mid-post.
CLAIM_TIMEOUT = dt.timedelta(minutes=2)
POST_TIMEOUT_SECONDS = 10
# After the n-th failed post the next waits 30 s, 1, 2, 4 ... minutes, at most an hour.
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=1)


def outbox_events_expire(*, before: dt.date, apply: bool) -> int:
    """The outbox events of days before `before`, deleted when `apply`; the number of them
    either way. An event the webhook (when one is set) has still to deliver is kept
    however old: it has not been told yet.

    The one way an event goes: the retention job's (retention.services). The append-only
    manager refuses any delete, so this uses the model's base manager."""
    start = timezone.make_aware(dt.datetime.combine(before, dt.time()))
    expired = OutboxEvent._base_manager.filter(occurred_at__lt=start)
    if settings.OVERSIGHT_WEBHOOK_URL:
        expired = expired.exclude(delivered_at__isnull=True)
    if not apply:
        return expired.count()
    deleted, _ = expired.delete()
    return deleted


def retry_wait(attempts: int) -> dt.timedelta:
    """How long after its `attempts`-th failed post an event waits before the next."""
    doublings = min(max(attempts - 1, 0), 7)  # 30 s x 2**7 is past the hour already
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class WebhookRefused(Exception):
    """The receiver did not answer 2xx (or could not be reached)."""


def _claim(event_id: int) -> bool:
    now = timezone.now()
    return bool(
        OutboxEvent.objects.filter(pk=event_id, delivered_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def _post(event: OutboxEvent, *, url: str, secret: str) -> None:
    body = json.dumps(event_json(event), separators=(",", ":")).encode()
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: str(event.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: webhook_signature(secret=secret, timestamp=timestamp, body=body),
    }
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=POST_TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.RequestException as exc:
        raise WebhookRefused(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise WebhookRefused(f"HTTP {response.status_code}")


def webhook_deliver(*, limit: int = 500) -> int:
    """Post the undelivered events in order, each once accepted (2xx); the number posted.

    Stops at the first refusal, so nothing overtakes it: that event keeps the error and
    waits (`retry_wait`) before it is tried again. An event another worker is posting
    stops this run too, for the same reason. Nothing to do without OVERSIGHT_WEBHOOK_URL.
    """
    url = settings.OVERSIGHT_WEBHOOK_URL
    if not url:
        return 0
    delivered = 0
    pending = OutboxEvent.objects.filter(delivered_at__isnull=True).order_by("pk")
    for event in pending[:limit]:
        if not _claim(event.pk):
            break
        try:
            _post(event, url=url, secret=settings.OVERSIGHT_WEBHOOK_SECRET)
        except WebhookRefused as exc:
            attempts = OutboxEvent.objects.get(pk=event.pk).attempts
            OutboxEvent.objects.filter(pk=event.pk).update(
                claimed_at=None,
                last_error=str(exc)[:2000],
                retry_at=timezone.now() + retry_wait(attempts),
            )
            logger.warning("Outbox event %s not delivered: %s", event.pk, exc)
            break
        OutboxEvent.objects.filter(pk=event.pk).update(
            delivered_at=timezone.now(), claimed_at=None, retry_at=None, last_error=""
        )
        delivered += 1
    return delivered
