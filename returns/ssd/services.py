"""A person's decision on a row missing from the SSD extract: remove it, or keep it.

An import never deletes what the extract leaves out (returns.ssd.kept). Confirming a
removal loads the kept rows again without it, in one transaction, so the records it gave
go through the same loaders that made them, with their history; if that load would be
refused (a review left outside every period of care), nothing changes and the page says
why. Keeping it carries the row into every load until it comes back in an extract.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.models import User
from core.services import FieldErrors
from returns.models import SsdExtractRow, SsdImportRun, SsdRowState
from returns.ssd.importer import SsdRefused, extract_load
from returns.ssd.kept import REMOVED, change, extract_of_kept

REMOVE, KEEP = "remove", "keep"
CHOOSE_DECISION = "Select whether to remove the record or keep it"
REASON_REQUIRED = "Enter why"
NOT_AWAITING = "This row is back in the extract or was already removed: there is nothing to decide"
REMOVAL_REFUSED = "It cannot be removed on its own: {problems}"


def _checked(row: SsdExtractRow, reason: str, *, states: set[str]) -> SsdExtractRow:
    errors = FieldErrors()
    if not reason.strip():
        errors.add("reason", REASON_REQUIRED)
    locked = SsdExtractRow.objects.select_for_update().get(pk=row.pk)
    if locked.state not in states:
        errors.add("decision", NOT_AWAITING)
    errors.raise_if_any()
    return locked


def _decided(row: SsdExtractRow, state: str, by: User, reason: str) -> None:
    row.state = state
    row.decided_by = by
    row.decided_at = timezone.now()
    row.reason = reason.strip()
    row._change_reason = reason.strip()  # type: ignore[attr-defined]
    row.save()


@transaction.atomic
def ssd_row_removal_confirm(*, row: SsdExtractRow, by: User, reason: str) -> SsdImportRun:
    """Remove a missing row's records: load the kept rows again without it."""
    row = _checked(row, reason, states={SsdRowState.MISSING, SsdRowState.KEPT})
    _decided(row, SsdRowState.REMOVED, by, reason)
    run = SsdImportRun.objects.create(
        source=f"The kept SSD rows, without {row.table} {row.row_id} (removal confirmed)"
    )
    try:
        extract_load(
            run=run,
            extract=extract_of_kept(),
            changes=[change(row.table, REMOVED, row.row_id, row.person_id)],
            keep=lambda: None,
            progress=lambda _: None,
        )
    except SsdRefused as refused:
        errors = FieldErrors()
        errors.add("decision", REMOVAL_REFUSED.format(problems="; ".join(refused.problems[:5])))
        errors.raise_if_any()
    return run


@transaction.atomic
def ssd_row_keep(*, row: SsdExtractRow, by: User, reason: str) -> SsdExtractRow:
    """Keep a missing row's records: it is carried into every load, as it was."""
    row = _checked(row, reason, states={SsdRowState.MISSING})
    _decided(row, SsdRowState.KEPT, by, reason)
    return row


def ssd_row_decide(*, row: SsdExtractRow, by: User, decision: str, reason: str):
    if decision == REMOVE:
        return ssd_row_removal_confirm(row=row, by=by, reason=reason)
    if decision == KEEP:
        return ssd_row_keep(row=row, by=by, reason=reason)
    errors = FieldErrors()
    errors.add("decision", CHOOSE_DECISION)
    return errors.raise_if_any()
