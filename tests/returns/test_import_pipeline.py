"""Uploaded returns run on their own queue, with time limits, so nightly alerts never wait."""

from django.conf import settings

from returns.tasks import import_run_task


def test_an_upload_is_imported_on_the_imports_queue_not_the_alerts_one():
    assert settings.CELERY_TASK_ROUTES["returns.tasks.import_run_task"] == {"queue": "imports"}


def test_an_import_is_stopped_at_its_soft_time_limit_before_the_hard_one():
    assert import_run_task.soft_time_limit == settings.OVERSIGHT_IMPORT_SOFT_TIME_LIMIT
    assert import_run_task.time_limit == settings.OVERSIGHT_IMPORT_TIME_LIMIT
    assert import_run_task.soft_time_limit < import_run_task.time_limit
