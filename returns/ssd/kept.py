"""The rows of the last SSD extract, kept (SsdExtractRow), and what tonight's changes.

Each load compares the extract with the kept rows, one row at a time by its table and id:
a row not kept before is added; one whose values differ changed, or ended when it now
carries an end it did not (a period, a placement, a plan, a referral); a kept row the
extract no longer holds is missing. A missing row is never deleted silently: it is
carried into the load as it was, and every load after, until a person confirms its
removal or keeps it (returns.ssd.services).
"""

from __future__ import annotations

from collections.abc import Iterable

from core.services import rows_insert
from returns.models import SsdExtractRow, SsdImportRun, SsdRowState
from returns.ssd.reader import PERSON_COLUMN, TABLES, SsdExtract, SsdRow, row_kept

ADDED, CHANGED, ENDED, MISSING, REMOVED = "added", "changed", "ended", "missing", "removed"
# What a row of each table is, in the words of the runs page.
WHAT = {
    "ssd_person": "child",
    "ssd_linked_identifiers": "identifier (UPN)",
    "ssd_disability": "disability",
    "ssd_legal_status": "legal status",
    "ssd_cla_episodes": "episode of care",
    "ssd_cla_placement": "placement",
    "ssd_cla_reviews": "looked-after review",
    "ssd_cla_previous_permanence": "previous permanence",
    "ssd_missing": "missing episode",
    "ssd_immigration_status": "immigration status (UASC)",
    "ssd_involvements": "social worker",
    "ssd_cin_episodes": "referral (CIN episode)",
    "ssd_s47_enquiry": "section 47 enquiry",
    "ssd_initial_cp_conference": "initial child protection conference",
    "ssd_cp_plans": "child protection plan",
    "ssd_cp_reviews": "child protection review",
}
# Columns whose value says a record ended.
END_COLUMNS = {
    "ssd_cla_episodes": "clae_cla_episode_ceased_date",
    "ssd_cla_placement": "clap_cla_placement_end_date",
    "ssd_legal_status": "lega_legal_status_end_date",
    "ssd_cp_plans": "cppl_cp_plan_end_date",
    "ssd_cin_episodes": "cine_close_date",
    "ssd_involvements": "invo_involvement_end_date",
}
_CARRIED = {SsdRowState.IN_EXTRACT, SsdRowState.MISSING, SsdRowState.KEPT}


def kept_rows() -> dict[tuple[str, str], SsdExtractRow]:
    return {(r.table, r.row_id): r for r in SsdExtractRow.objects.all()}


def persons_of(extract: SsdExtract, kept: dict[tuple[str, str], SsdExtractRow]):
    """A function giving the person a row is about (a review's, through its period)."""
    periods = {
        r.values.get("clae_cla_id", ""): r.person_id for r in _kept_of(kept, "ssd_cla_episodes")
    }
    placements = {
        r.values.get("clae_cla_placement_id", ""): r.person_id
        for r in _kept_of(kept, "ssd_cla_episodes")
    }
    for episode in extract.rows("ssd_cla_episodes"):
        periods[episode["clae_cla_id"]] = episode["clae_person_id"]
        placements[episode["clae_cla_placement_id"]] = episode["clae_person_id"]

    def person(row: SsdRow) -> str:
        if row.table == "ssd_cla_reviews":
            return periods.get(row["clar_cla_id"], "")
        found = row[PERSON_COLUMN[row.table]]
        if not found and row.table == "ssd_cla_placement":
            return placements.get(row["clap_cla_placement_id"], "")
        return found

    return person


def _kept_of(kept, table: str) -> Iterable[SsdExtractRow]:
    return (r for (t, _), r in kept.items() if t == table)


def change(table: str, kind: str, ident: str, child: str) -> dict[str, str]:
    return {"table": table, "kind": kind, "id": ident, "child": child, "what": WHAT[table]}


def _ended(table: str, values: dict[str, str]) -> bool:
    column = END_COLUMNS.get(table)
    return bool(column and values.get(column))


def changes_between(
    kept: dict[tuple[str, str], SsdExtractRow], extract: SsdExtract
) -> list[dict[str, str]]:
    """What the extract adds, changes, ends, and leaves out, against the kept rows."""
    person = persons_of(extract, kept)
    changes = []
    seen = set()
    for table in TABLES:
        key = extract.key(table)
        for row in extract.rows(table):
            ident = row[key]
            seen.add((table, ident))
            stored = kept.get((table, ident))
            if stored is None or stored.state == SsdRowState.REMOVED:
                kind = ADDED
            elif stored.values == row.values:
                continue
            elif _ended(table, row.values) and not _ended(table, stored.values):
                kind = ENDED
            else:
                kind = CHANGED
            changes.append(change(table, kind, ident, person(row)))
    for (table, ident), stored in sorted(kept.items()):
        if (table, ident) not in seen and stored.state == SsdRowState.IN_EXTRACT:
            changes.append(change(table, MISSING, ident, stored.person_id))
    return changes


def extract_with_carried(
    extract: SsdExtract, kept: dict[tuple[str, str], SsdExtractRow]
) -> SsdExtract:
    """The extract with every kept row it leaves out that no one has confirmed removed."""
    tables = {t: list(rows) for t, rows in extract.tables.items()}
    present = {(t, r[extract.key(t)]) for t, rows in tables.items() for r in rows}
    for (table, ident), stored in sorted(kept.items()):
        if (table, ident) not in present and stored.state in _CARRIED:
            tables.setdefault(table, []).append(row_kept(table, stored.position, stored.values))
    return SsdExtract(extract.source, tables)


def extract_of_kept(*, leaving_out: Iterable[SsdExtractRow] = ()) -> SsdExtract:
    """The kept rows as an extract (to load again once a removal is confirmed)."""
    out = {(r.table, r.row_id) for r in leaving_out}
    tables: dict[str, list[SsdRow]] = {}
    for stored in SsdExtractRow.objects.exclude(state=SsdRowState.REMOVED).order_by("position"):
        if (stored.table, stored.row_id) not in out:
            row = row_kept(stored.table, stored.position, stored.values)
            tables.setdefault(stored.table, []).append(row)
    return SsdExtract(source="Oversight's kept rows of the SSD extract", tables=tables)


def kept_rows_save(
    *,
    extract: SsdExtract,
    kept: dict[tuple[str, str], SsdExtractRow],
    changes: list[dict[str, str]],
    run: SsdImportRun,
) -> None:
    """Keep the extract's rows; mark the rows it left out missing since this run."""
    person = persons_of(extract, kept)
    new, changed = [], []
    for table, rows in extract.tables.items():
        key = extract.key(table)
        for row in rows:
            stored = kept.get((table, row[key]))
            values = {
                "person_id": person(row),
                "position": row.number,
                "values": row.values,
                "state": SsdRowState.IN_EXTRACT,
                "missing_since": None,
            }
            if stored is None:
                new.append(SsdExtractRow(table=table, row_id=row[key], **values))
            elif any(getattr(stored, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(stored, k, v)
                changed.append(stored)
    rows_insert(new, SsdExtractRow)  # 40,000 rows a first extract: bulk_create's cost
    SsdExtractRow.objects.bulk_update(
        changed, ["person_id", "position", "values", "state", "missing_since"], batch_size=2000
    )
    missing = [(c["table"], c["id"]) for c in changes if c["kind"] == MISSING]
    for table, ident in missing:
        stored = kept[(table, ident)]
        stored.state = SsdRowState.MISSING
        stored.missing_since = run
        stored._change_reason = f"Not in the SSD extract of run {run.pk}"  # type: ignore[attr-defined]
        stored.save(update_fields=["state", "missing_since"])
