"""A load whose worker was killed is failed promptly, and can be tried again.

While a run loads, its worker writes a heartbeat every few seconds. The resume task
(every five minutes) fails a running load with no heartbeat for
OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES, with a plain message rather than "Loading" for
an hour; a long load that is still beating is left alone. Someone who loads returns can
try a stopped upload again from its kept files, as a new upload.
"""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from returns import imports
from returns.imports import (
    NOT_RETRYABLE,
    STOPPED,
    _Heartbeat,
    import_run_retry,
    import_run_start,
    import_runs_resume,
)
from returns.models import ImportKind, ImportRun, ImportStatus
from tests.returns.conftest import celery_settings
from tests.returns.ssda903 import sample

pytestmark = pytest.mark.django_db


def uploaded(user) -> ImportRun:
    files = [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(sample("2024-25").glob("*.csv"))
    ]
    return import_run_start(user=user, kind=ImportKind.SSDA903, files=files, year=2024)


def running(run: ImportRun, *, started: dt.timedelta, beat: dt.timedelta | None) -> None:
    """As a worker left it: claimed `started` ago, its last heartbeat `beat` ago."""
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING,
        started_at=now - started,
        heartbeat_at=None if beat is None else now - beat,
        progress="Saving episodes",
    )


def test_a_run_whose_heartbeat_is_stale_is_failed_with_a_plain_message(
    business_support, broker_down, settings
):
    settings.OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES = 5
    run = uploaded(business_support)
    running(run, started=dt.timedelta(minutes=8), beat=dt.timedelta(minutes=6))
    import_runs_resume()
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.problems == [STOPPED] and run.progress == ""
    assert run.error.startswith("No heartbeat from the worker since")
    assert run.stopped


def test_a_long_load_still_beating_is_left_alone(business_support, broker_down, settings):
    settings.OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES = 5
    run = uploaded(business_support)
    running(run, started=dt.timedelta(hours=2), beat=dt.timedelta(seconds=20))
    import_runs_resume()
    run.refresh_from_db()
    assert run.status == ImportStatus.RUNNING


def test_a_run_claimed_with_no_heartbeat_is_judged_by_its_start(
    business_support, broker_down, settings
):
    settings.OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES = 5
    run = uploaded(business_support)
    running(run, started=dt.timedelta(minutes=6), beat=None)
    import_runs_resume()
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_the_heartbeat_while_it_loads(business_support, monkeypatch):
    monkeypatch.setattr(imports, "HEARTBEAT_EVERY_SECONDS", 0.05)
    run = ImportRun.objects.create(
        kind=ImportKind.SSDA903, uploaded_by=business_support, status=ImportStatus.RUNNING
    )
    with _Heartbeat(run.pk):
        time.sleep(0.5)
    run.refresh_from_db()
    assert run.heartbeat_at is not None
    assert timezone.now() - run.heartbeat_at < dt.timedelta(seconds=5)


# Trying again ---------------------------------------------------------------------------


def stopped_run(user, settings) -> ImportRun:
    settings.OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES = 5
    run = uploaded(user)
    running(run, started=dt.timedelta(minutes=30), beat=dt.timedelta(minutes=20))
    import_runs_resume()
    run.refresh_from_db()
    return run


def test_a_stopped_upload_offers_try_again_and_loads_its_kept_files(
    client, business_support, broker_down, settings, monkeypatch, django_capture_on_commit_callbacks
):
    run = stopped_run(business_support, settings)
    client.force_login(business_support)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert STOPPED in page
    assert f'href="/imports/{run.pk}/try-again/"' in page
    assert client.get(f"/imports/{run.pk}/try-again/").status_code == 200

    monkeypatch.undo()  # the broker is back
    monkeypatch.setattr(imports, "_data_quality_after_import", lambda: None)
    with celery_settings(task_always_eager=True), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{run.pk}/try-again/", {})
    again = ImportRun.objects.get(retry_of=run)
    assert response.status_code == 302 and response["Location"] == f"/imports/{again.pk}/"
    assert again.status == ImportStatus.SUCCEEDED and again.uploaded_by == business_support
    assert sorted(f.name for f in again.files.all()) == sorted(f.name for f in run.files.all())
    assert {f.file.name for f in again.files.all()} == {f.file.name for f in run.files.all()}
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert f'href="/imports/{again.pk}/"' in page and "try-again/" not in page


def test_trying_again_twice_makes_one_new_upload(business_support, broker_down, settings):
    run = stopped_run(business_support, settings)
    first = import_run_retry(run=run, user=business_support)
    second = import_run_retry(run=run, user=business_support)
    assert first == second and ImportRun.objects.filter(retry_of=run).count() == 1


def test_a_refused_upload_is_not_offered_try_again(client, business_support):
    run = ImportRun.objects.create(
        kind=ImportKind.SSDA903,
        uploaded_by=business_support,
        status=ImportStatus.FAILED,
        problems=["episodes.csv, row 2, column DECOM: not a date"],
    )
    client.force_login(business_support)
    page = client.get(f"/imports/{run.pk}/").content.decode()
    assert "try-again/" not in page and "Upload corrected files" in page
    response = client.get(f"/imports/{run.pk}/try-again/")
    assert response.status_code == 302
    response = client.post(f"/imports/{run.pk}/try-again/", {})
    assert response.status_code == 400 and NOT_RETRYABLE in response.content.decode()
    assert ImportRun.objects.count() == 1


def test_only_importers_may_try_again(client, iro, head_of_service, business_support, settings):
    run = ImportRun.objects.create(
        kind=ImportKind.SSDA903,
        uploaded_by=business_support,
        status=ImportStatus.FAILED,
        error="No heartbeat from the worker since 02/12/2026 10:00:00",
    )
    for person in (iro.user, head_of_service):
        client.force_login(person)
        assert client.post(f"/imports/{run.pk}/try-again/", {}).status_code == 403
    assert ImportRun.objects.count() == 1
