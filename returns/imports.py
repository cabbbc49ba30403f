"""Returns uploaded in the browser: record the upload, load it in a Celery task, keep the result.

The loading is the commands' own (`returns.ssda903.importer.returns_import`,
`returns.cin_census.importer.cin_census_import`): every file is checked before anything
is written and one problem saves nothing. A run keeps the importer's "FILE, row N,
column X" problems, or the added/changed/unchanged counts, for as long as the run is kept.

The web app never waits on the worker: the task is handed to the broker after the upload
commits; if the broker cannot be reached the run stays queued with a note, and
`import_runs_resume` (every few minutes, worklists.tasks) hands it on when it is back. With no
broker configured (development), Celery runs the task in the request (ALWAYS_EAGER).

A load that would remove more records than OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE (a
return sent with its tables empty removes everything that year's return had given) is
worked out in full and rolled back (`removals_guard`): the run awaits a person's word,
showing what it would remove and from which children, and is loaded only once someone
who loads returns confirms it. The commands refuse such a load without --confirm-removals.

While a run loads, its worker writes a heartbeat every few seconds; a run whose heartbeat
stops (the worker was killed) is failed by `import_runs_resume` within
OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES, and can be tried again from its kept files.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, connections, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from core.services import FieldErrors
from iro.models import Child
from protection.models import ChildProtectionConference, ConferenceChild
from returns.cin_census.exporter import CensusExportError, cin_census_export
from returns.cin_census.importer import KINDS as CIN_KINDS
from returns.cin_census.importer import cin_census_import
from returns.cin_census.reader import CensusRefused
from returns.models import CinCensusReturn, ImportFile, ImportKind, ImportRun, ImportStatus
from returns.rules import return_year_from_name
from returns.services import DisagreementTally
from returns.ssda903.exporter import return_export
from returns.ssda903.importer import ReturnRefused, returns_import
from returns.ssda903.reading import EMPTY_TABLE_ABSENT, empty_file, year_label
from reviews.models import AdoptionDecision, Episode, LookedAfterReview

logger = logging.getLogger(__name__)

EXTENSIONS = {
    ImportKind.SSDA903: ".csv",
    ImportKind.CIN_CENSUS: ".xml",
    ImportKind.SSD_EXTRACT: ".csv",
}
# An SSD extract is one CSV file a table (returns.ssd.reader.TABLES).
MAX_FILES = {ImportKind.SSDA903: 12, ImportKind.CIN_CENSUS: 5, ImportKind.SSD_EXTRACT: 60}
FIRST_YEAR = 2010

# Messages the upload form shows; the tests use the same constants.
CHOOSE_KIND = "Select which return the files are"
CHOOSE_FILES = "Select the files to upload"
TOO_MANY_FILES = {
    ImportKind.SSDA903: "Upload at most {n} files: one year's SSDA903 return at a time",
    ImportKind.CIN_CENSUS: "Upload at most {n} CIN census files at a time",
    ImportKind.SSD_EXTRACT: "Upload at most {n} files: one SSD extract, a CSV file a table",
}
WRONG_EXTENSION = {
    ImportKind.SSDA903: "{name} is not a CSV file: the SSDA903 return is uploaded as CSV files",
    ImportKind.CIN_CENSUS: "{name} is not an XML file: the CIN census is uploaded as XML",
    ImportKind.SSD_EXTRACT: "{name} is not a CSV file: an SSD extract is uploaded as CSV files",
}
EMPTY_FILE = "{name} is empty"
TOO_LARGE = "{name} is larger than {mb} MB, the most one file may be"
UPLOAD_TOO_LARGE = (
    "The files are larger than {mb} MB together, the most one upload may be: upload "
    "fewer files at a time"
)
SAME_NAME = "{name} is chosen twice: select each file once"
BAD_NAME = "{name} cannot be used as a file name: rename it and upload it again"
BAD_YEAR = "Enter a collection year between {first} and {last}"
CHOOSE_YEAR = (
    "Select the collection year the SSDA903 files are for: their names do not say (2024-25)"
)
NOT_STORED = (
    "The files could not be saved on the server. Try again; if it happens again, tell an "
    "administrator"
)
# What the run page says.
WAITING_FOR_WORKER = (
    "The background worker cannot be reached just now. The upload is saved and will be "
    "loaded when the worker is back; you do not need to upload it again."
)
UNEXPECTED_FAILURE = (
    "Something went wrong while loading the files, and nothing was saved. Try again; if it "
    "happens again, tell an administrator (upload {pk})."
)
STOPPED = (
    "The load stopped without finishing: the background worker stopped answering (it "
    "may have been restarted), so nothing was saved. Try again to load the same files."
)
# For administrators (the run's `error`), beside STOPPED.
NO_HEARTBEAT = "No heartbeat from the worker since {since} (stale after {minutes} minutes)"
REMOVALS_HELD = (
    "Nothing has been loaded yet: this return would remove {removals}. Check the files are "
    "complete before confirming; a return sent with empty tables removes everything that "
    "year's return had given."
)
REMOVALS_REFUSED = (
    "Nothing was loaded: the return would remove {removals} from {children} "
    "child{children_plural}, more than the {limit} allowed without a person's confirmation "
    "(OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE). Check the files are complete; if the "
    "removals are right, run the command again with --confirm-removals."
)
CHOOSE_DECISION = "Select whether to load the return and remove the records, or discard it"
ALREADY_DECIDED = "Someone has already confirmed or discarded this upload"
NOT_RETRYABLE = "Only an upload that stopped without finishing can be tried again"
FILES_GONE = "The files of this upload are no longer kept on the server: upload them again"

# A queued run handed to the broker longer ago than this is handed on again (claiming
# makes a second delivery harmless).
REDISPATCH_AFTER = dt.timedelta(minutes=10)
# How often a loading worker writes its run's heartbeat; a run is stale after
# OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES without one.
HEARTBEAT_EVERY_SECONDS = 15.0
PROGRESS_EVERY_SECONDS = 1.0
PROBLEMS_KEPT = 2000


class _Refused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems


# Starting a run -------------------------------------------------------------------------


def import_run_start(
    *, user, kind: str, files: Sequence[UploadedFile], year: int | None = None
) -> ImportRun:
    """Check and save an upload, then hand its loading to the worker once it commits.

    Raises ValidationError naming the field ("kind", "files", "year") and saves nothing
    if the upload cannot be a return of that kind.
    """
    errors = FieldErrors()
    if kind not in ImportKind.values:
        errors.add("kind", CHOOSE_KIND)
    last_year = timezone.localdate().year
    if year is not None and not FIRST_YEAR <= year <= last_year:
        errors.add("year", BAD_YEAR.format(first=FIRST_YEAR, last=last_year))
    names = _files_check(errors, kind, files)
    if kind == ImportKind.SSDA903 and year is None:
        year = _year_named(names)
        if year is None and "files" not in errors.errors:
            errors.add("year", CHOOSE_YEAR)
    errors.raise_if_any()

    directory = None
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                kind=kind,
                year=year if kind == ImportKind.SSDA903 else None,
                uploaded_by=user,
            )
            directory = Path(settings.MEDIA_ROOT) / "imports" / str(run.pk)
            for name, upload in zip(names, files, strict=True):
                stored = ImportFile(run=run, name=name, size=upload.size)
                stored.file.save(name, upload, save=False)
                stored.save()
    except BaseException as exc:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)  # files are not transactional
        if isinstance(exc, OSError):  # a full or missing disk: say so rather than fail
            logger.exception("An upload could not be stored under %s", settings.MEDIA_ROOT)
            raise ValidationError({"files": NOT_STORED}) from exc
        raise
    # Now, or when the caller's transaction commits: the worker must find the run.
    transaction.on_commit(lambda: import_run_dispatch(run_id=run.pk))
    run.refresh_from_db()
    return run


def _year_named(names: Sequence[str]) -> int | None:
    """The one collection year the file names give (903_2024-25_episodes.csv), else None."""
    years = {return_year_from_name(name) for name in names}
    years.discard(None)
    return years.pop() if len(years) == 1 else None


def _files_check(errors: FieldErrors, kind: str, files: Sequence[UploadedFile]) -> list[str]:
    """The files' names as sent, adding a problem to `errors` for each unusable file."""
    if not files:
        errors.add("files", CHOOSE_FILES)
        return []
    if kind not in ImportKind.values:
        return []
    if len(files) > MAX_FILES[kind]:
        errors.add("files", TOO_MANY_FILES[kind].format(n=MAX_FILES[kind]))
    ext = EXTENSIONS[kind]
    file_mb = settings.OVERSIGHT_IMPORT_MAX_FILE_MB
    total_mb = settings.OVERSIGHT_IMPORT_MAX_UPLOAD_MB
    names: list[str] = []
    for upload in files:
        name = Path(upload.name or "").name.strip()
        shown = name or "A file"
        if not name or name.startswith(".") or any(ord(c) < 32 for c in name):
            errors.add("files", BAD_NAME.format(name=shown))
        elif not name.lower().endswith(ext):
            errors.add("files", WRONG_EXTENSION[kind].format(name=name))
        elif name in names:
            errors.add("files", SAME_NAME.format(name=name))
        elif not upload.size:
            errors.add("files", EMPTY_FILE.format(name=name))
        elif upload.size > file_mb * 1024 * 1024:
            errors.add("files", TOO_LARGE.format(name=name, mb=file_mb))
        names.append(name)
    if sum(upload.size or 0 for upload in files) > total_mb * 1024 * 1024:
        errors.add("files", UPLOAD_TOO_LARGE.format(mb=total_mb))
    return names


def import_run_dispatch(*, run_id: int) -> bool:
    """Hand a queued run to the worker; if the broker is down, note it and carry on."""
    from kombu.exceptions import OperationalError

    from returns.tasks import import_run_task

    ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
        dispatched_at=timezone.now(), waiting_reason=""
    )
    try:
        # retry=False: fail at once rather than keep the person's request waiting.
        import_run_task.apply_async(args=[run_id], retry=False)
    except Exception as exc:
        if isinstance(exc, OperationalError | OSError):
            logger.warning("Import %s is waiting: the broker cannot be reached (%s)", run_id, exc)
        else:  # never a 500 for the person uploading
            logger.exception("Import %s could not be handed to the worker", run_id)
        # A run that ran in-process (no broker) has recorded how it ended: left alone.
        ImportRun.objects.filter(pk=run_id, status=ImportStatus.QUEUED).update(
            dispatched_at=None, waiting_reason=WAITING_FOR_WORKER
        )
        return False
    return True


def import_runs_resume(*, now: dt.datetime | None = None) -> int:
    """Hand on queued runs the broker never took; fail runs whose worker went away."""
    now = now or timezone.now()
    import_runs_fail_stale(now=now)
    waiting = ImportRun.objects.filter(status=ImportStatus.QUEUED).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER)
    )
    ids = list(waiting.order_by("uploaded_at").values_list("pk", flat=True))
    for run_id in ids:
        import_run_dispatch(run_id=run_id)
    return len(ids)


def import_runs_fail_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Fail the running loads whose worker has written no heartbeat for too long."""
    now = now or timezone.now()
    minutes = settings.OVERSIGHT_IMPORT_HEARTBEAT_STALE_MINUTES
    stale = now - dt.timedelta(minutes=minutes)
    # A run claimed before heartbeats were written has only its start.
    lost = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    failed = []
    running = ImportRun.objects.filter(lost, status=ImportStatus.RUNNING)
    for run_id, beat, started in running.values_list("pk", "heartbeat_at", "started_at"):
        since = timezone.localtime(beat or started).strftime("%d/%m/%Y %H:%M:%S")
        # The condition again: a heartbeat written since the read keeps the run going.
        if _finish(
            run_id,
            ImportStatus.FAILED,
            where=lost,
            problems=[STOPPED],
            error=NO_HEARTBEAT.format(since=since, minutes=minutes),
            progress="",
        ):
            logger.warning("Import %s failed: no heartbeat since %s", run_id, since)
            failed.append(run_id)
    return failed


# A person's word on a held run, and trying a stopped one again ----------------------------


def import_run_decide(*, run: ImportRun, user, apply: bool) -> ImportRun:
    """Load a run held for its removals (queued again, allowed them), or discard it.

    Raises ValidationError on "decision" if it is no longer awaiting confirmation.
    """
    now = timezone.now()
    if apply:
        moved = _move(
            run.pk,
            ImportStatus.QUEUED,
            decided_by=user,
            decided_at=now,
            dispatched_at=None,
            waiting_reason="",
        )
    else:
        moved = _finish(run.pk, ImportStatus.DISCARDED, decided_by=user, decided_at=now)
    if not moved:
        raise ValidationError({"decision": ALREADY_DECIDED})
    if apply:
        transaction.on_commit(lambda: import_run_dispatch(run_id=run.pk))
    run.refresh_from_db()
    return run


def import_run_retry(*, run: ImportRun, user) -> ImportRun:
    """Load a stopped run's kept files again, as a new run (once: a second call gives it)."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not locked.stopped:
            raise ValidationError(NOT_RETRYABLE)
        earlier = locked.retries.order_by("pk").first()
        if earlier is not None:  # tried again already (a second click, or someone else)
            return earlier
        files = list(locked.files.all())
        if not files or not all(default_storage.exists(f.file.name or "") for f in files):
            raise ValidationError(FILES_GONE)
        again = ImportRun.objects.create(
            kind=locked.kind, year=locked.year, uploaded_by=user, retry_of=locked
        )
        # The same stored files: kept once, named by both runs.
        ImportFile.objects.bulk_create(
            ImportFile(run=again, name=f.name, file=f.file.name, size=f.size) for f in files
        )
    transaction.on_commit(lambda: import_run_dispatch(run_id=again.pk))
    return again


# What a load removes ------------------------------------------------------------------


@dataclass(frozen=True)
class Watched:
    """A kind of record an import may remove, named by `key` (a record removed and made
    again under the same key is not removed)."""

    label: str
    model: type[models.Model]
    key: tuple[str, ...]
    from_return: bool = True  # only records a return gave (return_year) count

    def labelled(self, rows: list[dict]) -> dict[str, list[dict]]:
        return {self.label: rows}


class _ConferencesWatched(Watched):
    """A child's place at a conference, counted as the importer does: by the conference's kind."""

    def labelled(self, rows: list[dict]) -> dict[str, list[dict]]:
        history = ChildProtectionConference.history.model
        kinds = dict(
            history.objects.filter(id__in={r["conference_id"] for r in rows}).values_list(
                "id", "kind"
            )
        )
        labels = dict(ChildProtectionConference.Kind.choices)
        grouped: dict[str, list[dict]] = {}
        for row in rows:
            kind = kinds.get(row["conference_id"], "")
            grouped.setdefault(f"{labels.get(kind, 'Other')} conferences", []).append(row)
        return grouped


SSDA903_WATCHED = (
    Watched("Episodes", Episode, ("child_id", "started_on")),
    Watched("Reviews", LookedAfterReview, ("child_id", "held_on")),
    Watched("Adoption decisions", AdoptionDecision, ("child_id", "decided_on")),
)
CIN_WATCHED = (
    _ConferencesWatched(
        "Conferences", ConferenceChild, ("child_id", "conference_id"), from_return=False
    ),
)
WATCHED = {ImportKind.SSDA903: SSDA903_WATCHED, ImportKind.CIN_CENSUS: CIN_WATCHED}


@dataclass
class Removals:
    """What a load removed (or would): records per kind, and each child's share."""

    counts: dict[str, int] = field(default_factory=dict)
    children: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        """'460 episodes, 563 reviews and 15 adoption decisions'."""
        parts = [f"{n:,} {label.lower()}" for label, n in self.counts.items() if n]
        if not parts:
            return "nothing"
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"

    def as_json(self) -> dict:
        """As kept on a run: pairs, since PostgreSQL's jsonb keeps no key order."""
        return {
            "counts": [[label, n] for label, n in self.counts.items()],
            "children": [
                [child, [[label, n] for label, n in kinds.items()]]
                for child, kinds in self.children.items()
            ],
        }

    @classmethod
    def from_json(cls, kept: dict) -> Removals:
        return cls(
            counts=dict(kept.get("counts", [])),
            children={child: dict(kinds) for child, kinds in kept.get("children", [])},
        )


class RemovalsHeld(Exception):
    """A load would remove more than allowed; it was rolled back, `result` what it gave."""

    def __init__(self, removals: Removals, result: object):
        self.removals = removals
        self.result = result
        super().__init__(f"The load would remove {removals.describe()}")


_Loaded = TypeVar("_Loaded")
CHILDREN_NAMED = 50  # in a command's refusal


def removals_refused(removals: Removals) -> str:
    """Why a command loaded nothing, naming the counts and the first children."""
    children = len(removals.children)
    text = REMOVALS_REFUSED.format(
        removals=removals.describe(),
        children=f"{children:,}",
        children_plural="" if children == 1 else "ren",
        limit=removals_allowed(),
    )
    named = list(removals.children)[:CHILDREN_NAMED]
    more = children - len(named)
    return text + "\nChildren: " + ", ".join(named) + (f" and {more:,} more" if more else "")


def removals_allowed() -> int:
    return settings.OVERSIGHT_IMPORT_REMOVAL_CONFIRM_ABOVE


def removals_guard(
    *,
    watch: Sequence[Watched],
    load: Callable[[], _Loaded],
    allowed: int | None = None,
    confirmed: bool = False,
) -> tuple[_Loaded, Removals]:
    """Run `load` in a transaction and say what it removed.

    If it removed more than `allowed` records (the council's setting unless given) and
    the removals are not `confirmed`, roll everything back and raise RemovalsHeld: the
    database is as it was. Removals are read from the history the records keep of
    their deletion.
    """
    limit = removals_allowed() if allowed is None else allowed
    with transaction.atomic():
        marks = {w: _history_mark(w) for w in watch}
        result = load()
        removals = _removed_since(marks)
        if removals.total > limit and not confirmed:
            raise RemovalsHeld(removals, result)
    return result, removals


def _history_mark(watched: Watched) -> int:
    history = watched.model.history.model  # type: ignore[attr-defined]
    return history.objects.aggregate(last=Max("history_id"))["last"] or 0


def _removed_since(marks: dict[Watched, int]) -> Removals:
    removals = Removals()
    by_child: dict[int, dict[str, int]] = {}
    for watched, mark in marks.items():
        history = watched.model.history.model  # type: ignore[attr-defined]
        deleted = history.objects.filter(history_id__gt=mark, history_type="-")
        if watched.from_return:
            deleted = deleted.filter(return_year__isnull=False)
        rows = list(deleted.values(*watched.key).distinct())
        if not rows:
            continue
        # Made again under the same key (a period of care rebuilt): not removed.
        still = set(
            watched.model._default_manager.filter(
                child_id__in={r["child_id"] for r in rows}
            ).values_list(*watched.key)
        )
        gone = [r for r in rows if tuple(r[k] for k in watched.key) not in still]
        for label, group in watched.labelled(gone).items():
            removals.counts[label] = removals.counts.get(label, 0) + len(group)
            for row in group:
                mine = by_child.setdefault(row["child_id"], {})
                mine[label] = mine.get(label, 0) + 1
    names = dict(Child.objects.filter(pk__in=by_child).values_list("pk", "child_id"))
    removals.children = {
        names[pk]: by_child[pk] for pk in sorted(by_child, key=lambda pk: names[pk])
    }
    return removals


# Running it ----------------------------------------------------------------------------


def _move(run_id: int, to: str, *, where: Q | None = None, **values) -> bool:
    """Change a run's status if ALLOWED_TRANSITIONS lets it move there from where it is."""
    sources = [s for s, targets in ImportRun.ALLOWED_TRANSITIONS.items() if to in targets]
    runs = ImportRun.objects.filter(pk=run_id, status__in=sources)
    if where is not None:
        runs = runs.filter(where)
    return bool(runs.update(status=to, **values))


def _finish(run_id: int, to: str, *, where: Q | None = None, **values) -> bool:
    return _move(
        run_id, to, where=where, finished_at=timezone.now(), progress_percent=None, **values
    )


def import_run_execute(*, run_id: int) -> bool:
    """Load a queued run's files. False if it was not queued (taken already, or done).

    Never raises for the files or the load: refused files keep their problems, and an
    unexpected error is kept for administrators, the run marked as not loaded.
    """
    now = timezone.now()
    claimed = _move(
        run_id,
        ImportStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress="Reading the files",
        waiting_reason="",
    )
    if not claimed:
        return False
    run = ImportRun.objects.get(pk=run_id)
    files = list(run.files.all())
    progress = _Progress(run_id)
    allowed = run.removals_confirmed  # None: the council's setting
    try:
        with (
            _Heartbeat(run_id),
            tempfile.TemporaryDirectory(prefix=f"oversight-import-{run_id}-") as work,
        ):
            if run.kind == ImportKind.SSD_EXTRACT:
                # The extract keeps its own rows: one gone from it waits for a person
                # (returns.ssd.kept), so no removal is held back here.
                summary, removals = _ssd_load(run, files, Path(work), progress), Removals()
            elif run.kind == ImportKind.SSDA903:
                summary, removals = removals_guard(
                    watch=WATCHED[ImportKind(run.kind)],
                    allowed=allowed,
                    load=lambda: _ssda903_load(run, files, Path(work), progress),
                )
            else:
                summary, removals = removals_guard(
                    watch=WATCHED[ImportKind(run.kind)],
                    allowed=allowed,
                    load=lambda: _cin_load(run, files, Path(work), progress),
                )
    except RemovalsHeld as held:
        _move(
            run_id,
            ImportStatus.AWAITING_CONFIRMATION,
            summary=held.result,
            removals=held.removals.as_json(),
            decided_by=None,
            decided_at=None,
            progress="",
            progress_percent=None,
        )
        return True
    except _Refused as refused:
        problems = refused.problems[:PROBLEMS_KEPT]
        if len(refused.problems) > PROBLEMS_KEPT:
            problems.append(f"... and {len(refused.problems) - PROBLEMS_KEPT:,} more problems")
        _finish(run_id, ImportStatus.FAILED, problems=problems, progress="")
        return True
    except Exception as exc:
        logger.exception("Import %s failed", run_id)
        _finish(
            run_id,
            ImportStatus.FAILED,
            problems=[UNEXPECTED_FAILURE.format(pk=run_id)],
            error=f"{type(exc).__name__}: {exc}"[:5000],
            progress="",
        )
        return True
    _finish(
        run_id,
        ImportStatus.SUCCEEDED,
        summary=summary,
        removals=removals.as_json() if removals.total else run.removals,
        progress="",
    )
    _data_quality_after_import()
    return True


def _data_quality_after_import() -> None:
    """Run the DfE rules on the years still to be returned, now the records have changed."""
    from returns.data_quality import data_quality_dispatch

    data_quality_dispatch()


def _copy(files: list[ImportFile], into: Path) -> dict[str, str]:
    """Each file under the name it was sent as, so the problems name it that way."""
    into.mkdir(parents=True, exist_ok=True)
    paths = {}
    for stored in files:
        target = into / stored.name
        with stored.file.open("rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        paths[str(target)] = stored.name
    return paths


def _ssda903_load(run: ImportRun, files, work: Path, progress: _Progress) -> dict:
    # The importer takes the year from the directory's name (2024-25) or else the dates.
    directory = work / (year_label(run.year) if run.year else "return")
    _copy(files, directory)

    def plain(text: str) -> str:
        return (
            text.replace(f"{directory}: ", "The files: ")
            .replace(str(directory), "the files")
            .replace(f"{directory.name}/", "")
        )

    try:
        summary = returns_import(
            directories=[directory], progress=lambda t: progress(plain(t)), import_run=run
        )
    except ReturnRefused as exc:
        raise _Refused([plain(p) for p in exc.problems]) from exc
    return {
        "years": summary.years,
        "counts": {
            kind: {
                "added": t.added,
                "changed": t.changed,
                "unchanged": t.unchanged,
                "removed": t.removed,
            }
            for kind, t in summary.tallies.items()
        },
        "disagreements": summary.disagreements.as_json(),
        "notes": [
            f"Due dates recomputed for {summary.children_rescheduled:,} children; "
            f"{summary.return_rows:,} return rows kept for export.",
            *_disagreement_notes(summary.disagreements),
            *(
                f"{path.name} {EMPTY_TABLE_ABSENT}."
                for path in sorted(directory.iterdir())
                if path.suffix.lower() == ".csv" and empty_file(path)
            ),
        ],
    }


def _ssd_load(run: ImportRun, files, work: Path, progress: _Progress) -> dict:
    from returns.ssd.importer import SsdRefused, ssd_import

    directory = work / "extract"
    _copy(files, directory)

    def plain(text: str) -> str:
        return text.replace(f"{directory}/", "").replace(str(directory), "the extract")

    try:
        summary = ssd_import(
            directory=directory,
            progress=lambda t: progress(plain(t)),
            source=f"Uploaded by {run.uploaded_by} (upload {run.pk})",
        )
    except SsdRefused as exc:
        raise _Refused([plain(p) for p in exc.problems]) from exc
    changed = len(summary.changes)
    return {
        "years": summary.years,
        "counts": {},
        "ssd_run": summary.run_id,
        "disagreements": summary.disagreements.as_json(),
        "notes": [
            f"{changed:,} row{'' if changed == 1 else 's'} of the extract added, changed or "
            f"ended; {summary.awaiting:,} awaiting confirmation (SSD run {summary.run_id}).",
            *_disagreement_notes(summary.disagreements),
        ],
    }


def _disagreement_notes(tally: DisagreementTally) -> list[str]:
    return [f"{str(tally)[:1].upper()}{str(tally)[1:]}."] if tally.open or tally.agreed else []


def _cin_load(run: ImportRun, files, work: Path, progress: _Progress) -> dict:
    paths = _copy(files, work)

    def plain(text: str) -> str:
        for path, name in paths.items():
            text = text.replace(path, name)
        return text

    def report(file: str, done: int, total: int) -> None:
        progress(f"{plain(file)}: {done:,} of {total:,} children", done * 100 // max(total, 1))

    try:
        summary = cin_census_import(paths=list(paths), progress=report, import_run=run)
    except CensusRefused as exc:
        raise _Refused([plain(str(p)) for p in exc.problems]) from exc
    return {
        "years": [],
        "counts": {
            kind.capitalize(): {
                o: summary.counts[kind][o] for o in ("added", "changed", "unchanged", "removed")
            }
            for kind in CIN_KINDS
        },
        "disagreements": summary.disagreements.as_json(),
        "notes": [
            *(plain(note) for note in summary.notes),
            *_disagreement_notes(summary.disagreements),
        ],
    }


class _Heartbeat:
    """While a load runs, write its run's heartbeat every few seconds from a thread.

    The thread writes on a connection of its own, outside the load's transaction, so the
    heartbeat stops when the worker does. SQLite allows one writer at a time: there the
    progress (written outside the load's transaction) is the only heartbeat.
    """

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> _Heartbeat:
        if connection.vendor != "sqlite":
            self.thread = threading.Thread(target=self._beat, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def _beat(self) -> None:
        try:
            while not self.stopping.wait(HEARTBEAT_EVERY_SECONDS):
                ImportRun.objects.filter(pk=self.run_id, status=ImportStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # the resume task fails the run if the heartbeat stops
            logger.warning("Heartbeat of import %s stopped", self.run_id, exc_info=True)
        finally:
            connections.close_all()


class _Progress:
    """Write the import's progress to its run, at most once a second.

    The importers write inside one transaction; progress written on the same connection
    would only be seen when the load is over. On PostgreSQL it is written on a connection
    of its own (in a short-lived thread). SQLite allows one writer at a time, so there it
    is only written outside the import's transaction.
    """

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, text: str, percent: int | None = None) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        values = {
            "progress": text.strip()[:300],
            "progress_percent": percent,
            "heartbeat_at": timezone.now(),
        }
        if not connection.in_atomic_block:
            self._write(values)
        elif connection.vendor != "sqlite":
            writer = threading.Thread(target=self._write_apart, args=(values,), daemon=True)
            writer.start()
            writer.join(timeout=5)

    def _write(self, values: dict) -> None:
        ImportRun.objects.filter(pk=self.run_id, status=ImportStatus.RUNNING).update(**values)

    def _write_apart(self, values: dict) -> None:
        try:
            self._write(values)
        except Exception:  # progress is a courtesy: never let it stop the load
            logger.warning("Progress of import %s not written", self.run_id, exc_info=True)
        finally:
            connections.close_all()


# Reading runs ----------------------------------------------------------------------------


def import_runs_recent(*, limit: int = 50):
    """The latest uploads with who sent them and their files (three queries)."""
    return (
        ImportRun.objects.select_related("uploaded_by")
        .prefetch_related("files")
        .order_by("-uploaded_at", "-pk")[:limit]
    )


# Writing returns out (reads: nothing is saved) -------------------------------------------

NO_LA_CODE = "Enter the council's 3-digit LA code: no CIN census has been imported to take it from"
BAD_LA_CODE = "The LA code must be 3 digits, like 318"


def ssda903_zip(*, year: int) -> bytes:
    """The year's SSDA903 CSVs, written from Oversight's records, in one zip."""
    label = year_label(year)
    out = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="oversight-903-") as work:
        directory = Path(work) / label
        return_export(year=year, directory=directory)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(directory.glob("*.csv")):
                archive.write(path, f"{label}/{path.name}")
    return out.getvalue()


def cin_census_xml(*, year: int, la_code: str = "") -> bytes:
    """The year's CIN census (child protection parts) as XML, or ValidationError."""
    if la_code and not (len(la_code) == 3 and la_code.isdigit()):
        raise ValidationError({"la_code": BAD_LA_CODE})
    if not la_code and not CinCensusReturn.objects.exclude(la_code="").exists():
        raise ValidationError({"la_code": NO_LA_CODE})
    try:
        return cin_census_export(year=year, la_code=la_code or None)
    except CensusExportError as exc:
        raise ValidationError({"year": str(exc)}) from exc
