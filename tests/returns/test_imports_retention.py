"""Uploaded returns are not kept forever (issue 11, finding 8): once an import has finished,
its stored files are deleted on the retention schedule's day (as soon as it is loaded by
default, a failed one after 30 days), by the import itself or the nightly retention job;
the run, its summary and its problems are kept, and its page says when the files went."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from retention.services import retention_run
from returns.imports import import_run_retry
from returns.models import ImportFile, ImportKind, ImportRun, ImportStatus
from returns.uploads import upload_files_delete, uploads_due_for_deletion
from tests.returns.ssda903 import sample
from tests.returns.test_imports import start, stored_files, uploads

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def finished_run(user, status, *, at=NOW, **values) -> ImportRun:
    run = ImportRun.objects.create(
        kind=ImportKind.SSDA903,
        uploaded_by=user,
        status=status,
        finished_at=at,
        summary={"years": ["2024-25"]},
        **values,
    )
    stored = ImportFile(run=run, name="header.csv", size=10)
    stored.file.save("header.csv", ContentFile(b"CHILD,SEX\n"), save=True)
    return run


def kept(run) -> bool:
    return all(default_storage.exists(f.file.name) for f in run.files.all())


def test_a_loaded_upload_is_due_for_deletion_the_day_it_finished(business_support):
    run = finished_run(business_support, ImportStatus.SUCCEEDED)

    assert uploads_due_for_deletion(as_of=dt.date(2026, 4, 30)) == []
    assert uploads_due_for_deletion(as_of=dt.date(2026, 5, 1)) == [run]


def test_a_failed_upload_is_kept_thirty_days_then_deleted_by_the_nightly_job(business_support):
    run = finished_run(business_support, ImportStatus.FAILED, problems=["header.csv: bad"])

    assert uploads_due_for_deletion(as_of=dt.date(2026, 5, 30)) == []
    retention = retention_run(apply=True, today=dt.date(2026, 5, 31))

    assert retention.due["uploads_due"] == 1
    assert retention.changed["upload_files_deleted"] == 1
    run.refresh_from_db()
    assert not kept(run) and run.files_deleted_at is not None
    # The run and what it found are kept.
    assert run.problems == ["header.csv: bad"] and run.files.count() == 1


def test_the_councils_days_for_loaded_uploads_are_used(business_support, settings):
    settings.OVERSIGHT_RETENTION_UPLOAD_DAYS = 7
    run = finished_run(business_support, ImportStatus.SUCCEEDED)

    assert uploads_due_for_deletion(as_of=dt.date(2026, 5, 7)) == []
    assert uploads_due_for_deletion(as_of=dt.date(2026, 5, 8)) == [run]


def test_an_upload_not_finished_is_never_due(business_support):
    for status in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.AWAITING_CONFIRMATION):
        finished_run(business_support, status, at=None)

    assert uploads_due_for_deletion(as_of=dt.date(2030, 1, 1)) == []


def test_a_dry_run_counts_the_uploads_due_and_deletes_nothing(business_support):
    run = finished_run(business_support, ImportStatus.SUCCEEDED)

    retention = retention_run(apply=False, today=dt.date(2026, 5, 2))

    assert retention.due["uploads_due"] == 1 and retention.changed == {}
    assert kept(run)


def test_a_file_shared_with_a_retry_still_to_load_is_left_for_it(business_support, broker_down):
    stopped = finished_run(business_support, ImportStatus.FAILED, error="Worker lost")
    again = import_run_retry(run=stopped, user=business_support)  # queued: the broker is down

    upload_files_delete(run=stopped)

    assert kept(again)
    stopped.refresh_from_db()
    assert stopped.files_deleted_at is not None


def test_deleting_twice_deletes_once(business_support):
    run = finished_run(business_support, ImportStatus.SUCCEEDED)

    assert upload_files_delete(run=run) == 1
    assert upload_files_delete(run=run) == 0


def test_the_run_page_says_when_the_files_were_deleted_and_offers_no_try_again(
    client, business_support
):
    run = finished_run(business_support, ImportStatus.FAILED, error="Worker lost")
    client.force_login(business_support)
    assert f"/imports/{run.pk}/try-again/" in client.get(f"/imports/{run.pk}/").content.decode()

    upload_files_delete(run=run)

    page = client.get(f"/imports/{run.pk}/").content.decode()
    day = timezone.localdate(ImportRun.objects.get(pk=run.pk).files_deleted_at)
    assert f"File deleted on {day.day} {day:%B %Y}" in page
    assert "try-again/" not in page


def test_a_loaded_upload_s_files_go_as_soon_as_it_is_loaded(
    business_support, eager, media, django_capture_on_commit_callbacks
):
    run = start(
        business_support, uploads(sample("2024-25")), capture=django_capture_on_commit_callbacks
    )

    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.files_deleted_at is not None and stored_files(media) == []
    assert run.summary["counts"]["Children"]["added"] > 0
