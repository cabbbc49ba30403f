"""Reads about the returns and SSD extracts loaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, F, QuerySet, Value

from core.record import RecordSection
from iro.models import Child
from returns.models import (
    ImportDisagreement,
    ImportKind,
    ImportRun,
    ImportStatus,
    SsdImportRun,
    SsdImportStatus,
)

# An SSD extract's runs listed with the returns' uploads, as one more kind.
SSD = "ssd"
IMPORT_RUN_KINDS = [*ImportKind.values, SSD]
IMPORT_RUN_STATUSES = sorted({*ImportStatus.values, *SsdImportStatus.values})
# The columns both kinds of run share, in the order the union selects them.
IMPORT_RUN_COLUMNS = ("run_kind", "run_id", "run_status", "run_started_at", "run_finished_at")


def import_runs(
    *,
    kind: str = "",
    status: str = "",
    started_from: dt.date | None = None,
    started_to: dt.date | None = None,
) -> QuerySet[Any]:
    """Returns uploaded and SSD extracts loaded, newest first, as one list of rows with
    `IMPORT_RUN_COLUMNS` plus `run_problems` and `run_summary` (an upload's counts; an
    extract's changes, one entry a row). One query a page: the two tables are read as one union,
    each filtered first (a union cannot be filtered after)."""
    uploads = ImportRun.objects.annotate(
        run_kind=F("kind"),
        run_id=F("pk"),
        run_status=F("status"),
        run_started_at=F("uploaded_at"),
        run_finished_at=F("finished_at"),
        run_problems=F("problems"),
        run_summary=F("summary"),
    )
    extracts = SsdImportRun.objects.annotate(
        run_kind=Value(SSD, output_field=CharField()),
        run_id=F("pk"),
        run_status=F("status"),
        run_started_at=F("started_at"),
        run_finished_at=F("finished_at"),
        run_problems=F("problems"),
        run_summary=F("changes"),
    )
    if kind:
        uploads = uploads.filter(kind=kind) if kind != SSD else uploads.none()
        extracts = extracts if kind == SSD else extracts.none()
    if status:
        uploads = uploads.filter(status=status)
        extracts = extracts.filter(status=status)
    if started_from is not None:
        uploads = uploads.filter(uploaded_at__date__gte=started_from)
        extracts = extracts.filter(started_at__date__gte=started_from)
    if started_to is not None:
        uploads = uploads.filter(uploaded_at__date__lte=started_to)
        extracts = extracts.filter(started_at__date__lte=started_to)
    columns = (*IMPORT_RUN_COLUMNS, "run_problems", "run_summary")
    return (
        uploads.order_by()
        .values(*columns)
        .union(extracts.order_by().values(*columns), all=True)
        .order_by("-run_started_at", "run_kind", "-run_id")
    )


def open_disagreements(*, child: Child | None = None) -> QuerySet[ImportDisagreement]:
    """The differences between an import and what people recorded that wait for a person,
    a child's or everyone's (read by the child's record and the data-quality page through
    the partial index on open rows)."""
    rows = ImportDisagreement.objects.filter(resolved_at__isnull=True)
    if child is not None:
        return rows.filter(child=child).order_by("found_at", "pk")
    return rows.select_related("child").order_by("child__child_id", "found_at", "pk")


def disagreements_banner(*, child: Child, as_of: dt.date) -> RecordSection | None:
    """The child's open differences from an import, as a banner at the top of the record."""
    rows = list(open_disagreements(child=child))
    if not rows:
        return None
    return RecordSection(
        "returns/_import_disagreements_banner.html", {"disagreements": rows}, banner=True
    )
