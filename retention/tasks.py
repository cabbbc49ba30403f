"""The nightly retention job (config/celery.py): a thin interface over retention.services."""

from celery import shared_task
from django.conf import settings

from retention.services import retention_run


@shared_task(ignore_result=True)
def retention_nightly_task() -> int:
    """Every night: record the retention report, and apply it only where the council has
    turned OVERSIGHT_RETENTION_APPLY on. Safe to run twice: an anonymised child is not
    due again, and a deleted upload's files are not asked for again."""
    run = retention_run(apply=settings.OVERSIGHT_RETENTION_APPLY)
    return run.pk
