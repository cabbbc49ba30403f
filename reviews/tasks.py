"""Celery tasks: a thin interface over reviews.invitations, each safe to run twice."""

from celery import shared_task

from reviews.invitations import review_invitation_send as send
from reviews.invitations import review_invitations_due_again


@shared_task
def review_invitation_send(invitation_id: int) -> bool:
    """Send one queued review invitation email (claimed first: a second run sends nothing)."""
    return send(invitation_id=invitation_id)


@shared_task
def review_invitations_retry_due() -> int:
    """Every few minutes: try again the failed review invitations whose wait is over."""
    ids = review_invitations_due_again()
    for pk in ids:
        review_invitation_send.delay(pk)
    return len(ids)
