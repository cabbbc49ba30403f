"""Returns uploaded in the browser: checked on upload, loaded by a Celery task, result kept.

Celery runs tasks in-process here (as in development with no broker); the broker being
down is simulated by making the hand-over to it fail as kombu does.
"""

import datetime as dt
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone

from iro.models import Child
from returns import imports
from returns.imports import (
    CHOOSE_FILES,
    CHOOSE_KIND,
    EMPTY_FILE,
    SAME_NAME,
    STOPPED,
    TOO_MANY_FILES,
    WAITING_FOR_WORKER,
    WRONG_EXTENSION,
    import_run_execute,
    import_run_start,
    import_runs_resume,
)
from returns.models import ImportFile, ImportKind, ImportRun, ImportStatus
from reviews.models import LookedAfterReview
from tests.returns.census import sample as cin_sample
from tests.returns.conftest import celery_settings
from tests.returns.ssda903 import csv_rows, csv_write, sample, sample_copy

pytestmark = pytest.mark.django_db
BORN = dt.date(2020, 1, 1)


@pytest.fixture
def eager():
    """Tasks run in-process, as in development with no broker configured."""
    with celery_settings(task_always_eager=True):
        yield


@pytest.fixture
def checks_after_import(monkeypatch):
    """Record the data-quality checks an import asks for, without running the DfE rules."""
    asked = []
    monkeypatch.setattr(imports, "_data_quality_after_import", lambda: asked.append(True))
    return asked


def uploads(directory: Path) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(directory.glob("*.csv"))
    ]


def start(user, files, *, kind=ImportKind.SSDA903, year=2024, capture=None) -> ImportRun:
    if capture is None:
        return import_run_start(user=user, kind=kind, files=files, year=year)
    with capture(execute=True):
        return import_run_start(user=user, kind=kind, files=files, year=year)


def stored_files(media) -> list[Path]:
    root = Path(media) / "imports"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# Checking the upload ----------------------------------------------------------------------


def refused(user, files, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        import_run_start(user=user, files=files, **kwargs)
    return error.value.message_dict


def test_an_upload_with_no_files_is_refused_on_the_files_field(business_support, media):
    assert refused(business_support, [], kind=ImportKind.SSDA903) == {"files": [CHOOSE_FILES]}
    assert not ImportRun.objects.exists()


def test_an_upload_must_say_which_return_it_is(business_support):
    errors = refused(business_support, uploads(sample("2024-25")), kind="ssda904")
    assert errors == {"kind": [CHOOSE_KIND]}


def test_files_of_the_wrong_type_are_refused_by_name_and_nothing_is_saved(business_support, media):
    files = [*uploads(sample("2024-25")), SimpleUploadedFile("notes.docx", b"PK\x03\x04")]
    errors = refused(business_support, files, kind=ImportKind.SSDA903)
    assert errors == {"files": [WRONG_EXTENSION[ImportKind.SSDA903].format(name="notes.docx")]}
    assert not ImportRun.objects.exists()
    assert not ImportFile.objects.exists()
    assert stored_files(media) == []


def test_a_census_must_be_xml(business_support):
    files = [SimpleUploadedFile("census.csv", b"a,b\n1,2\n")]
    errors = refused(business_support, files, kind=ImportKind.CIN_CENSUS)
    assert errors == {"files": [WRONG_EXTENSION[ImportKind.CIN_CENSUS].format(name="census.csv")]}


def test_empty_repeated_and_too_many_files_are_each_named(business_support):
    files = [
        SimpleUploadedFile("header.csv", b""),
        SimpleUploadedFile("reviews.csv", b"CHILD\n"),
        SimpleUploadedFile("reviews.csv", b"CHILD\n"),
    ] + [SimpleUploadedFile(f"extra{n}.csv", b"CHILD\n") for n in range(10)]
    errors = refused(business_support, files, kind=ImportKind.SSDA903)["files"]
    assert TOO_MANY_FILES[ImportKind.SSDA903].format(n=12) in errors
    assert EMPTY_FILE.format(name="header.csv") in errors
    assert SAME_NAME.format(name="reviews.csv") in errors


def test_an_upload_is_saved_with_the_names_it_was_sent_as(business_support, broker_down, media):
    run = start(business_support, uploads(sample("2024-25")))
    names = sorted(f.name for f in run.files.all())
    assert names == sorted(p.name for p in sample("2024-25").glob("*.csv"))
    assert all(
        Path(f.file.path).is_relative_to(Path(media) / "imports" / str(run.pk))
        for f in run.files.all()
    )
    assert run.uploaded_by == business_support and run.year == 2024


# Loading it ---------------------------------------------------------------------------------


def test_an_upload_is_loaded_and_its_counts_are_kept(
    business_support, eager, checks_after_import, django_capture_on_commit_callbacks
):
    run = start(
        business_support, uploads(sample("2024-25")), capture=django_capture_on_commit_callbacks
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED, run.problems
    assert run.summary["years"] == ["2024-25"]
    children = Child.objects.count()
    assert run.summary["counts"]["Children"] == {
        "added": children,
        "changed": 0,
        "unchanged": 0,
        "removed": 0,
    }
    assert run.summary["counts"]["Reviews"]["added"] == LookedAfterReview.objects.count() > 500
    assert run.problems == [] and run.started_at <= run.finished_at
    assert checks_after_import == [True]


def test_a_broken_file_keeps_its_problems_with_file_row_and_column_and_saves_nothing(
    business_support, eager, checks_after_import, django_capture_on_commit_callbacks, tmp_path
):
    broken = sample_copy("2024-25", tmp_path)
    rows = csv_rows(broken / "episodes.csv")
    rows[1]["LS"] = "Z9"
    csv_write(broken / "episodes.csv", rows)
    run = start(business_support, uploads(broken), capture=django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.problems == ["episodes.csv, row 3, column LS: 'Z9' is not a recognised LS code"]
    assert run.summary == {}
    assert not Child.objects.exists()
    assert checks_after_import == []


def test_a_return_without_its_reviews_says_so_without_server_paths(
    business_support, eager, checks_after_import, django_capture_on_commit_callbacks
):
    files = [f for f in uploads(sample("2024-25")) if f.name != "reviews.csv"]
    run = start(business_support, files, capture=django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.problems == [
        "The files: no Reviews table: it is required (a CSV file with the columns "
        "CHILD, DOB, REVIEW, REVIEW_CODE)"
    ]


def test_a_cin_census_is_loaded_by_the_census_importer(
    business_support, eager, checks_after_import, django_capture_on_commit_callbacks
):
    path = cin_sample(2024)
    files = [SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")]
    run = start(
        business_support,
        files,
        kind=ImportKind.CIN_CENSUS,
        capture=django_capture_on_commit_callbacks,
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED, run.problems
    assert run.year is None
    assert run.summary["counts"]["Children"]["added"] == Child.objects.count() > 0
    assert set(run.summary["counts"]) == {
        "Children",
        "Section 47 enquiries",
        "Plans",
        "Initial conferences",
        "Review conferences",
    }


def test_a_broken_census_names_the_file_as_uploaded(
    business_support, eager, checks_after_import, django_capture_on_commit_callbacks
):
    data = cin_sample(2024).read_bytes().replace(b"<Sex>F</Sex>", b"<Sex>X</Sex>", 1)
    files = [SimpleUploadedFile("census 2024-25.xml", data)]
    run = start(
        business_support,
        files,
        kind=ImportKind.CIN_CENSUS,
        capture=django_capture_on_commit_callbacks,
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.problems and all(p.startswith("census 2024-25.xml, line ") for p in run.problems)
    assert not Child.objects.exists()


def test_running_a_run_twice_loads_it_once(
    business_support, eager, checks_after_import, django_capture_on_commit_callbacks
):
    run = start(
        business_support, uploads(sample("2024-25")), capture=django_capture_on_commit_callbacks
    )
    run.refresh_from_db()
    finished = run.finished_at
    assert import_run_execute(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED and run.finished_at == finished
    assert checks_after_import == [True]


def test_a_run_another_worker_holds_is_left_to_it(business_support, broker_down):
    run = start(business_support, uploads(sample("2024-25")))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    assert import_run_execute(run_id=run.pk) is False
    assert not Child.objects.exists()


def test_an_unexpected_failure_is_kept_for_administrators_and_saves_nothing(
    business_support, broker_down, monkeypatch
):
    run = start(business_support, uploads(sample("2024-25")))

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "returns_import", explode)
    assert import_run_execute(run_id=run.pk) is True
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert run.problems == [imports.UNEXPECTED_FAILURE.format(pk=run.pk)]
    assert run.error == "RuntimeError: disk full"


# The broker or worker is down ------------------------------------------------------------


def test_with_the_broker_down_the_upload_is_kept_waiting_with_a_note(
    business_support, broker_down, django_capture_on_commit_callbacks
):
    run = start(
        business_support, uploads(sample("2024-25")), capture=django_capture_on_commit_callbacks
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.QUEUED
    assert run.waiting_reason == WAITING_FOR_WORKER
    assert run.dispatched_at is None
    assert run.files.count() == 11


def test_with_a_real_unreachable_broker_the_upload_waits_without_hanging(
    business_support, monkeypatch, django_capture_on_commit_callbacks
):
    """Nothing listens on port 1: kombu refuses at once, and no result store is asked."""
    unreachable = celery_settings(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",
        result_backend="redis://127.0.0.1:1/1",
    )
    with unreachable as app:
        app._after_fork()  # drop pooled connections: connect afresh, to the broker set here
        started = timezone.now()
        try:
            run = start(
                business_support,
                uploads(sample("2024-25")),
                capture=django_capture_on_commit_callbacks,
            )
        finally:
            app._after_fork()
    run.refresh_from_db()
    assert run.status == ImportStatus.QUEUED
    assert run.waiting_reason == WAITING_FOR_WORKER
    assert timezone.now() - started < dt.timedelta(seconds=10)


def test_waiting_uploads_are_handed_on_when_the_broker_is_back(
    business_support, broker_down, monkeypatch
):
    run = start(business_support, uploads(sample("2024-25")))
    ImportRun.objects.filter(pk=run.pk).update(
        waiting_reason=WAITING_FOR_WORKER, dispatched_at=None
    )
    from returns.tasks import import_run_task

    sent = []
    monkeypatch.setattr(import_run_task, "apply_async", lambda args, **kw: sent.append(args))
    assert import_runs_resume() == 1
    assert sent == [[run.pk]]
    run.refresh_from_db()
    assert run.waiting_reason == "" and run.dispatched_at is not None
    assert import_runs_resume() == 0  # handed on recently: left to the worker


def test_a_run_whose_worker_went_away_is_marked_not_loaded(business_support, broker_down):
    run = start(business_support, uploads(sample("2024-25")))
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    import_runs_resume()
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and run.problems == [STOPPED]


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_to_the_run_as_the_load_goes(business_support, broker_down):
    run = start(business_support, uploads(sample("2024-25")))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    imports._Progress(run.pk)("Saving reviews (added 3)", 40)
    run.refresh_from_db()
    assert (run.progress, run.progress_percent) == ("Saving reviews (added 3)", 40)


@pytest.mark.django_db(transaction=True)
def test_progress_during_the_loads_transaction_is_seen_at_once(business_support, broker_down):
    """The importers write in one transaction; progress goes on a connection of its own."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has one writer, so progress waits for the load")
    run = start(business_support, uploads(sample("2024-25")))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    with transaction.atomic():
        Child.objects.create(child_id="HELD", first_name="A", last_name="B", date_of_birth=BORN)
        imports._Progress(run.pk)("Saving reviews (added 3)")
        seen_elsewhere = _read_apart(run.pk)
    assert seen_elsewhere == "Saving reviews (added 3)"


def _read_apart(run_id: int) -> str:
    """The run's progress as another connection (the progress page) sees it."""
    found = []

    def read():
        try:
            found.append(ImportRun.objects.get(pk=run_id).progress)
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return found[0]


def test_an_upload_the_server_cannot_store_is_refused_with_a_message(
    business_support, settings, tmp_path
):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the uploads directory should be")
    settings.MEDIA_ROOT = blocked
    errors = refused(
        business_support, uploads(sample("2024-25")), kind=ImportKind.SSDA903, year=2024
    )
    assert errors == {"files": [imports.NOT_STORED]}
    assert not ImportRun.objects.exists()


def test_an_ssda903_upload_whose_file_names_give_no_year_needs_the_year(business_support):
    errors = refused(business_support, uploads(sample("2024-25")), kind=ImportKind.SSDA903)
    assert errors == {"year": [imports.CHOOSE_YEAR]}
    assert not ImportRun.objects.exists()


def test_an_ssda903_upload_takes_its_year_from_the_file_names_when_none_is_chosen(
    business_support, tmp_path
):
    named = tmp_path / "named"
    named.mkdir()
    for path in sample("2024-25").glob("*.csv"):
        (named / f"903_2024-25_{path.name}").write_bytes(path.read_bytes())
    run = start(business_support, uploads(named), year=None)
    assert run.year == 2024
