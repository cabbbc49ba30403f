"""Celery tasks for returns: thin, each safe to run twice."""

from celery import shared_task
from django.conf import settings

from core.services import today
from returns.ssd.tasks import ssd_nightly_import_task  # registered with the worker

__all__ = ["ssd_nightly_import_task"]

# Returns uploaded in the browser, and the DfE rules on the records (returns.imports and
# returns.data_quality). No results are kept: with Redis as the result store, a task that
# keeps one makes the web request wait (and retry) whenever Redis is down.


@shared_task(
    ignore_result=True,
    soft_time_limit=settings.OVERSIGHT_IMPORT_SOFT_TIME_LIMIT,
    time_limit=settings.OVERSIGHT_IMPORT_TIME_LIMIT,
)
def import_run_task(run_id: int) -> bool:
    from returns.imports import import_run_execute
    from returns.models import ImportRun
    from returns.uploads import upload_delete_day, upload_files_delete

    loaded = import_run_execute(run_id=run_id)
    # Kept no days once loaded (the retention schedule's default): its files go now, not
    # at night; any other day is the nightly retention job's (returns.uploads).
    run = ImportRun.objects.get(pk=run_id)
    day = upload_delete_day(run)
    if day is not None and day <= today() and run.files_deleted_at is None:
        upload_files_delete(run=run)
    return loaded


@shared_task(ignore_result=True)
def import_runs_resume_task() -> int:
    """Every few minutes: hand on uploads the broker was down for; fail abandoned ones."""
    from returns.imports import import_runs_resume

    return import_runs_resume()


@shared_task(ignore_result=True)
def data_quality_check_task(year: int | None = None) -> int:
    """Run the DfE rules on a year's returns; by default (nightly) on every year checked:
    the live years and every year loaded, each against the year before."""
    from returns.data_quality import data_quality_check, years_checked

    years = [year] if year is not None else years_checked(today())
    for each in years:
        data_quality_check(year=each)
    return len(years)
