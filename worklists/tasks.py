"""Celery tasks: a thin interface over worklists.notifications, each safe to run twice."""

import datetime as dt

from celery import shared_task

from core.services import today
from iro.services import planned_moves_apply
from worklists.notifications import (
    deadline_digest_send,
    deadline_digests_record,
    overdue_deadlines_announce,
    unsent_digest_ids,
)


@shared_task
def deadline_alerts_send(as_of: str | None = None) -> int:
    """The nightly job: make the moves to another IRO due today, tell the outbox of the
    deadlines now overdue, record today's digests (so they name the new IRO), then send
    every unsent one (catching up)."""
    day = dt.date.fromisoformat(as_of) if as_of else today()
    planned_moves_apply(as_of=day)
    overdue_deadlines_announce(as_of=day)
    deadline_digests_record(as_of=day)
    ids = unsent_digest_ids()
    for digest_id in ids:
        deadline_digest_send_task.delay(digest_id)
    return len(ids)


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=None,  # never drop an alert: keep trying, and show it to administrators
)
def deadline_digest_send_task(digest_id: int) -> bool:
    return deadline_digest_send(digest_id=digest_id)
