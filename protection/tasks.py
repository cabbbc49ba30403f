"""Celery tasks: a thin interface over protection.invitations, each safe to run twice."""

from celery import shared_task

from protection.invitations import invitation_send as send
from protection.invitations import invitations_due_again


@shared_task
def invitation_send(invitation_id: int) -> bool:
    """Send one queued invitation email (claimed first: a second run sends nothing)."""
    return send(invitation_id=invitation_id)


@shared_task
def invitations_retry_due() -> int:
    """Every few minutes: try again the failed invitations whose wait is over."""
    ids = invitations_due_again()
    for pk in ids:
        invitation_send.delay(pk)
    return len(ids)
