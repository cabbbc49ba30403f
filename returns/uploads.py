"""Size limits on uploaded returns, applied while the request streams in.

Django hands each uploaded file to its handlers in 64 KB chunks; files over 2.5 MB go to a
temporary file, never whole into memory. `UploadLimitHandler` comes first
(settings.FILE_UPLOAD_HANDLERS) and counts: a file past OVERSIGHT_IMPORT_MAX_FILE_MB is
skipped from that chunk on (the rest of it is read and dropped), and when the request says
it is longer than OVERSIGHT_IMPORT_MAX_UPLOAD_MB every file is skipped, so nothing over
the limits is kept, on disk or in memory. The form fields (the CSRF and one-time tokens,
the return's kind) still arrive, and the upload form says which file was refused
(`upload_refusals`). Returns are the only files Oversight takes.

Once an import has finished, its stored files are deleted on the retention schedule's day
(returns.rules.upload_delete_on; `uploads_delete_due`, from the nightly retention job,
and straight after a load when the schedule keeps loaded files no days).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from returns.imports import TOO_LARGE, UPLOAD_TOO_LARGE
from returns.models import ImportFile, ImportRun, ImportStatus
from returns.rules import upload_delete_on

# The form's own fields (tokens, the kind and the year) on top of the files.
_FORM_ALLOWANCE = 64 * 1024


def max_file_bytes() -> int:
    return settings.OVERSIGHT_IMPORT_MAX_FILE_MB * 1024 * 1024


def max_upload_bytes() -> int:
    return settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB * 1024 * 1024


def upload_refusals(request: HttpRequest) -> list[str]:
    """What the limits refused of this request's files, as the form shows it."""
    return list(getattr(request, "_upload_refusals", []))


class UploadLimitHandler(FileUploadHandler):
    """Skip any file past the per-file limit, and every file of a request past the total."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.refusals: list[str] = []
        self.whole_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self.request is not None:
            self.request._upload_refusals = self.refusals
        self.whole_too_large = content_length > max_upload_bytes() + _FORM_ALLOWANCE
        if self.whole_too_large:
            self.refusals.append(
                UPLOAD_TOO_LARGE.format(mb=settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB)
            )
        return None

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.whole_too_large:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > max_file_bytes():
            self.refusals.append(
                TOO_LARGE.format(name=self.file_name, mb=settings.OVERSIGHT_IMPORT_MAX_FILE_MB)
            )
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file


# Deleting the stored files (the retention schedule, issue 11) --------------------------

FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.DISCARDED)


def upload_delete_day(run: ImportRun) -> dt.date | None:
    """The day this upload's stored files are due to be deleted (returns.rules), or None
    while its import has not finished (queued, running or awaiting confirmation)."""
    if run.status not in FINISHED or run.finished_at is None:
        return None
    return upload_delete_on(
        finished_on=timezone.localdate(run.finished_at),
        failed=run.status != ImportStatus.SUCCEEDED,
        kept_days=settings.OVERSIGHT_RETENTION_UPLOAD_DAYS,
        failed_kept_days=settings.OVERSIGHT_RETENTION_FAILED_UPLOAD_DAYS,
    )


def uploads_due_for_deletion(*, as_of: dt.date) -> list[ImportRun]:
    """Finished uploads whose stored files are still kept and are due to go by `as_of`."""
    shortest = min(
        settings.OVERSIGHT_RETENTION_UPLOAD_DAYS, settings.OVERSIGHT_RETENTION_FAILED_UPLOAD_DAYS
    )
    latest_finish = timezone.make_aware(
        dt.datetime.combine(as_of - dt.timedelta(days=shortest - 1), dt.time.min)
    )
    candidates = ImportRun.objects.filter(
        status__in=FINISHED, files_deleted_at__isnull=True, finished_at__lt=latest_finish
    ).order_by("pk")
    return [run for run in candidates if (day := upload_delete_day(run)) and day <= as_of]


@transaction.atomic
def upload_files_delete(*, run: ImportRun) -> int:
    """Delete an upload's stored files, keeping the run, its summary and its problems, and
    say when (the run's page shows it); return how many files were deleted.

    A file is shared by a stopped run and the run that tried it again
    (returns.imports.import_run_retry): one still named by a run that has not finished
    is left for that run's own turn."""
    locked = ImportRun.objects.select_for_update().get(pk=run.pk)
    if locked.files_deleted_at is not None:
        return 0  # deleted already (the nightly job and the import task both ask)
    names = [f.file.name for f in locked.files.all() if f.file.name]
    in_use = set(
        ImportFile.objects.filter(file__in=names)
        .exclude(run__status__in=FINISHED)
        .values_list("file", flat=True)
    )
    deleted = 0
    for name in names:
        if name in in_use:
            continue
        if default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
    locked.files_deleted_at = timezone.now()
    locked.save(update_fields=["files_deleted_at"])
    return deleted


def uploads_delete_due(*, as_of: dt.date, apply: bool) -> dict[str, int]:
    """The retention job's part for uploads (core.retention.stored_file_deleters): how
    many uploads' files are due to be deleted, and, when applying, deleted."""
    due = uploads_due_for_deletion(as_of=as_of)
    deleted = sum(upload_files_delete(run=run) for run in due) if apply else 0
    return {"uploads_due": len(due), "upload_files_deleted": deleted}
