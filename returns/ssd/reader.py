"""Read an SSD extract: one `<table>.csv` per table, columns matched by name.

Every problem is reported by table, row and column ("ssd_cla_episodes.csv, row 12, column
clae_cla_episode_start_date: ..."); the importer loads nothing when there is any.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from returns.ssda903.reading import Problems as ReturnProblems

# The tables Oversight reads, each with its key and the columns it needs. Other tables
# and columns in the extract are ignored: councils' deployments add their own.
TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # table: (key column, required columns, date columns)
    "ssd_person": (
        "pers_person_id",
        ("pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob"),
        ("pers_dob", "pers_expected_dob", "pers_death_date"),
    ),
    "ssd_linked_identifiers": (
        "link_table_id",
        ("link_table_id", "link_person_id", "link_identifier_type", "link_identifier_value"),
        ("link_valid_from_date", "link_valid_to_date"),
    ),
    "ssd_disability": ("disa_table_id", ("disa_person_id", "disa_disability_code"), ()),
    "ssd_legal_status": (
        "lega_legal_status_id",
        ("lega_person_id", "lega_legal_status", "lega_legal_status_start_date"),
        ("lega_legal_status_start_date", "lega_legal_status_end_date"),
    ),
    "ssd_cla_episodes": (
        "clae_cla_episode_id",
        (
            "clae_person_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_start_reason",
            "clae_cla_primary_need_code",
            "clae_cla_episode_ceased_date",
            "clae_cla_episode_ceased_reason",
            "clae_cla_id",
            "clae_cla_placement_id",
        ),
        ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_id",
        ("clap_cla_placement_type", "clap_cla_placement_provider", "clap_cla_placement_urn"),
        ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
    ),
    "ssd_cla_reviews": (
        "clar_cla_review_id",
        ("clar_cla_id", "clar_cla_review_date", "clar_cla_review_participation"),
        ("clar_cla_review_date", "clar_cla_review_due_date"),
    ),
    "ssd_cla_previous_permanence": (
        "lapp_table_id",
        ("lapp_person_id", "lapp_previous_permanence_option"),
        (),
    ),
    "ssd_missing": (
        "miss_table_id",
        ("miss_person_id", "miss_missing_episode_start_date", "miss_missing_episode_type"),
        ("miss_missing_episode_start_date", "miss_missing_episode_end_date"),
    ),
    "ssd_immigration_status": (
        "immi_immigration_status_id",
        ("immi_person_id", "immi_immigration_status"),
        ("immi_immigration_status_start_date", "immi_immigration_status_end_date"),
    ),
    "ssd_involvements": (
        "invo_involvements_id",
        ("invo_professional_id", "invo_person_id", "invo_involvement_start_date"),
        ("invo_involvement_start_date", "invo_involvement_end_date"),
    ),
    "ssd_cin_episodes": (
        "cine_referral_id",
        ("cine_person_id", "cine_referral_date", "cine_referral_source_code"),
        ("cine_referral_date", "cine_close_date"),
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_enquiry_id",
        ("s47e_referral_id", "s47e_person_id", "s47e_s47_start_date"),
        ("s47e_s47_start_date", "s47e_s47_end_date"),
    ),
    "ssd_initial_cp_conference": (
        "icpc_icpc_id",
        (
            "icpc_s47_enquiry_id",
            "icpc_person_id",
            "icpc_referral_id",
            "icpc_icpc_transfer_in",
            "icpc_icpc_date",
        ),
        ("icpc_icpc_date", "icpc_icpc_target_date"),
    ),
    "ssd_cp_plans": (
        "cppl_cp_plan_id",
        (
            "cppl_referral_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
            "cppl_cp_plan_initial_category",
            "cppl_cp_plan_latest_category",
        ),
        ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    ),
    "ssd_cp_reviews": (
        "cppr_cp_review_id",
        ("cppr_person_id", "cppr_cp_plan_id", "cppr_cp_review_date"),
        ("cppr_cp_review_date", "cppr_cp_review_due"),
    ),
}
REQUIRED_TABLES = ("ssd_person", "ssd_cla_episodes", "ssd_cla_reviews")

NOT_A_DIRECTORY = "is not a directory"
TABLE_MISSING = "is missing: an SSD extract needs {tables}"
COLUMN_MISSING = "has no column {column} (the SSD field list names it)"
NOT_A_DATE = "'{value}' is not a date (YYYY-MM-DD)"
KEY_MISSING = "is blank: every row needs its id"
KEY_REPEATED = "'{value}' is already at row {row}"
UNKNOWN_PERSON = "'{value}' is not in ssd_person"
UNKNOWN_PERIOD = "'{value}' is not a period of care (clae_cla_id) in ssd_cla_episodes"


class Problems(ReturnProblems):
    """Problems found, each as "TABLE.csv, row N, column X: message"."""

    def add(self, table: str, message: str, *, row: int | None = None, column: str = "") -> None:
        super().add(f"{table}.csv", message, row=row, column=column)


@dataclass
class SsdRow:
    table: str
    number: int  # the row in the file, the header being row 1
    values: dict[str, str]
    dates: dict[str, dt.date | None] = field(default_factory=dict)

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def date(self, column: str) -> dt.date | None:
        return self.dates.get(column)


@dataclass
class SsdExtract:
    source: Path
    tables: dict[str, list[SsdRow]]

    def rows(self, table: str) -> list[SsdRow]:
        return self.tables.get(table, [])

    def key(self, table: str) -> str:
        return TABLES[table][0]


def extract_read(directory: Path, problems: Problems) -> SsdExtract | None:
    """Read and check the tables Oversight uses; None if the directory cannot be read."""
    directory = Path(directory)
    if not directory.is_dir():
        problems.items.append(f"{directory}: {NOT_A_DIRECTORY}")
        return None
    tables: dict[str, list[SsdRow]] = {}
    for table, (key, required, dates) in TABLES.items():
        path = directory / f"{table}.csv"
        if not path.exists():
            if table in REQUIRED_TABLES:
                problems.add(table, TABLE_MISSING.format(tables=", ".join(REQUIRED_TABLES)))
            continue
        tables[table] = _table_read(path, table, key, required, dates, problems)
    extract = SsdExtract(directory, tables)
    _links_check(extract, problems)
    return extract


def _table_read(path, table, key, required, dates, problems: Problems) -> list[SsdRow]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in reader.fieldnames or []]
        absent = [c for c in (key, *required) if c not in columns]
        for column in dict.fromkeys(absent):
            problems.add(table, COLUMN_MISSING.format(column=column), column=column)
        if absent:
            return []
        rows: list[SsdRow] = []
        seen: dict[str, int] = {}
        for number, raw in enumerate(reader, start=2):
            values = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
            row = SsdRow(table, number, values)
            for column in dates:
                row.dates[column] = _date(row, column, problems)
            ident = values[key]
            if not ident:
                problems.add(table, KEY_MISSING, row=number, column=key)
            elif ident in seen:
                problems.add(
                    table, KEY_REPEATED.format(value=ident, row=seen[ident]), row=number, column=key
                )
            else:
                seen[ident] = number
            rows.append(row)
    return rows


def _date(row: SsdRow, column: str, problems: Problems) -> dt.date | None:
    text = row[column]
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        problems.add(row.table, NOT_A_DATE.format(value=text), row=row.number, column=column)
        return None


def row_kept(table: str, number: int, values: dict[str, str]) -> SsdRow:
    """A row kept from an earlier extract, its dates read again (they were checked then)."""
    row = SsdRow(table, number, dict(values))
    for column in TABLES[table][2]:
        text = row[column]
        row.dates[column] = dt.date.fromisoformat(text[:10]) if text else None
    return row


# The column naming the person each table's row is about (ssd_cla_reviews names the
# period of care, clar_cla_id, whose episodes name the person).
PERSON_COLUMN = {
    "ssd_person": "pers_person_id",
    "ssd_linked_identifiers": "link_person_id",
    "ssd_disability": "disa_person_id",
    "ssd_legal_status": "lega_person_id",
    "ssd_cla_episodes": "clae_person_id",
    "ssd_cla_placement": "clap_person_id",
    "ssd_cla_previous_permanence": "lapp_person_id",
    "ssd_missing": "miss_person_id",
    "ssd_immigration_status": "immi_person_id",
    "ssd_involvements": "invo_person_id",
    "ssd_cin_episodes": "cine_person_id",
    "ssd_s47_enquiry": "s47e_person_id",
    "ssd_initial_cp_conference": "icpc_person_id",
    "ssd_cp_plans": "cppl_person_id",
    "ssd_cp_reviews": "cppr_person_id",
}


# The tables whose rows are checked to name a person the extract holds.
_LINKED_TABLES = (
    "ssd_cla_episodes",
    "ssd_legal_status",
    "ssd_s47_enquiry",
    "ssd_cp_plans",
    "ssd_cin_episodes",
    "ssd_immigration_status",
)


def _links_check(extract: SsdExtract, problems: Problems) -> None:
    """Rows that point at a person or a period of care the extract does not hold."""
    people = {r["pers_person_id"] for r in extract.rows("ssd_person")}
    for table in _LINKED_TABLES:
        column = PERSON_COLUMN[table]
        for row in extract.rows(table):
            if row[column] not in people:
                problems.add(
                    table, UNKNOWN_PERSON.format(value=row[column]), row=row.number, column=column
                )
    periods = {r["clae_cla_id"] for r in extract.rows("ssd_cla_episodes")}
    for row in extract.rows("ssd_cla_reviews"):
        if row["clar_cla_id"] not in periods:
            problems.add(
                "ssd_cla_reviews",
                UNKNOWN_PERIOD.format(value=row["clar_cla_id"]),
                row=row.number,
                column="clar_cla_id",
            )
