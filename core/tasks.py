"""Celery tasks: a thin interface over core.notifications, each safe to run twice."""

import datetime as dt

from celery import shared_task

from .notifications import deadline_digest_send, deadline_digests_record, unsent_digest_ids
from .services import today


@shared_task
def deadline_alerts_send(as_of: str | None = None) -> int:
    """The nightly job: record today's digests, then send every unsent one (catching up)."""
    day = dt.date.fromisoformat(as_of) if as_of else today()
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


# Returns uploaded in the browser, and the DfE rules on the records (core.imports and
# core.data_quality). No results are kept: with Redis as the result store, a task that
# keeps one makes the web request wait (and retry) whenever Redis is down.


@shared_task(ignore_result=True)
def import_run_task(run_id: int) -> bool:
    from .imports import import_run_execute

    return import_run_execute(run_id=run_id)


@shared_task(ignore_result=True)
def import_runs_resume_task() -> int:
    """Every few minutes: hand on uploads the broker was down for; fail abandoned ones."""
    from .imports import import_runs_resume

    return import_runs_resume()


@shared_task(ignore_result=True)
def data_quality_check_task(year: int | None = None) -> int:
    """Run the DfE rules on a year's returns (by default every year still to be returned)."""
    from .data_quality import data_quality_check, live_years

    years = [year] if year is not None else live_years(today())
    for each in years:
        data_quality_check(year=each)
    return len(years)
