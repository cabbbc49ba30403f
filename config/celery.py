"""The Celery app. Every periodic task is declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("oversight")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task. Beat (core.beat.OversightScheduler) copies a missing entry into
# django-celery-beat's tables once; after that an administrator's times in the admin win.
app.conf.beat_schedule = {
    "nightly-deadline-alerts": {
        "task": "worklists.tasks.deadline_alerts_send",
        "schedule": crontab(hour=6, minute=30),  # Europe/London (CELERY_TIMEZONE)
    },
    "nightly-data-quality": {
        "task": "returns.tasks.data_quality_check_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Conference invitations whose email failed, tried again once their wait is over.
    "retry-conference-invitations": {
        "task": "protection.tasks.invitations_retry_due",
        "schedule": crontab(minute="*/5"),
    },
    # Looked-after review invitations likewise (reviews.tasks).
    "retry-review-invitations": {
        "task": "reviews.tasks.review_invitations_retry_due",
        "schedule": crontab(minute="*/5"),
    },
    # The council's Standard Safeguarding Dataset extract, from OVERSIGHT_SSD_FOLDER.
    "nightly-ssd-import": {
        "task": "returns.ssd.tasks.ssd_nightly_import_task",
        "schedule": crontab(hour=1, minute=30),
    },
    # The retention schedule: a report every night; applied only with
    # OVERSIGHT_RETENTION_APPLY on (retention.tasks).
    "nightly-retention": {
        "task": "retention.tasks.retention_nightly_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # The outbox's events to the council's webhook, if one is set (core.outbox); a
    # refused event waits out its own backoff, so running often costs one query.
    "deliver-webhook-events": {
        "task": "core.tasks.webhook_deliver_task",
        "schedule": crontab(minute="*"),
    },
    "resume-waiting-imports": {
        "task": "returns.tasks.import_runs_resume_task",
        "schedule": crontab(minute="*/5"),
    },
}
