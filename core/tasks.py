"""Celery tasks of the kernel: a thin interface over core.outbox, safe to run twice."""

from celery import shared_task

from core.outbox import webhook_deliver


@shared_task  # type: ignore[untyped-decorator]
def webhook_deliver_task() -> int:
    """Post the outbox's undelivered events to OVERSIGHT_WEBHOOK_URL, in order (beat runs
    it every minute; a refused event waits out its backoff in the row itself)."""
    return webhook_deliver()
