"""Read one collection year's SSDA903 CSVs: find each table by its columns, check each row.

Nothing here touches the database. Every problem is reported against the file, the row
(as a spreadsheet numbers it: the column names are row 1) and the column, so a council
can find and fix it; the importer refuses the whole load if there is any.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path

from django.db import models

from core.codes import Ethnicity, ParticipationCode
from core.dates import year_end, year_start
from core.spec_years import (
    NO_PLACE_CHANGE_ON_OPEN_EPISODE_FROM,
    PLACEMENTS_EXPECTED_WITH_DOLO,
    PLACEMENTS_NOT_WITH_DOLO,
    PLACEMENTS_WITHOUT_PROVIDER,
    code_year_problem,
    sex_codes_in_year,
    sex_read,
    year_label,
)
from returns.models import ReturnTable
from returns.rules import return_year_from_name
from returns.ssda903.tables import (
    BY_NAME,
    TABLES,
    closest_table,
    date_text_normalised,
    is_partial_date,
    parse_date,
    table_for,
)
from reviews.models import AdoptionDecisionCeased
from reviews.rules import EpisodeFacts, PeriodFacts, episodes_overlap, periods_from_episodes
from reviews.services import EPISODE_CODE_FIELDS, participation_code_problem

Progress = Callable[[str], None]

# Oversight's episode fields and the SSDA903 columns they come from.
EPISODE_COLUMNS = {
    "started_on": "DECOM",
    "reason_new_episode": "RNE",
    "legal_status": "LS",
    "category_of_need": "CIN",
    "placement": "PLACE",
    "placement_provider": "PLACE_PROVIDER",
    "ended_on": "DEC",
    "reason_ceased": "REC",
    "reason_place_change": "REASON_PLACE_CHANGE",
    "home_postcode": "HOME_POST",
    "placement_postcode": "PL_POST",
    "urn": "URN",
}
MODELLED = frozenset(
    {ReturnTable.HEADER, ReturnTable.EPISODES, ReturnTable.REVIEWS, ReturnTable.PLACED_ADOPTION}
)
YEAR_NOT_GIVEN = (
    "cannot tell which collection year this is: name the directory for it (2019-20) "
    "or give the year (--year 2019-20)"
)
# Dates that may lie after the end of the collection year: none but these.
# A UASC row's DUC (usually the 18th birthday) may lie after the year (RULES.md 13).
_UNBOUNDED_DATES = frozenset({"DOB", "MC_DOB", "DUC"})
_PROGRESS_EVERY = 50_000
# A child's ID (CHILD, the CIN census's LAchildID) is up to 20 letters, digits, hyphens or
# underscores (RULES.md 13); so a cell such as =1+2 (a spreadsheet formula) is refused.
CHILD_ID_MAX_LENGTH = 20
_CHILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}")
CHILD_ID_NOT_VALID = (
    "'{value}' is not a child's ID: up to 20 letters, digits, hyphens or underscores"
)
EMPTY_TABLE_ABSENT = "is empty: read as an absent table"
NOT_A_CSV = "is not a CSV file (it looks like {kind}); save it as CSV"
NUL_IN_FILE = "holds a NUL byte (the file is damaged or not text); save it again as CSV"
COLUMN_REPEATED = "is given twice; give each column once"
COLUMN_IGNORED = "not an SSDA903 column: left out"
SEX_NOT_IN_YEAR = "'{value}' is not a SEX code in the {year} return: {codes} (DfE rule 101)"
TABLE_NOT_IN_YEAR = (
    "the {table} table is part of the return from {since}; the {year} return has none"
)
PROVIDER_NOT_FOR_PLACEMENT = (
    "'{value}': no placement provider is given for a {place} placement (DfE rule 178)"
)
URN_NOT_FOR_PLACEMENT = "'{value}': no URN is given for a {place} placement"
DOLO_END_NOT_AFTER_START = "the deprivation of liberty must end after it starts (DOLO_START)"
PLACE_CHANGE_ON_OPEN_EPISODE = (
    "'{value}': an episode that has not ended (DEC blank) gives no reason for a placement "
    "change; give it on the episode that ends (DfE rule 233)"
)
DOLO_END_BEFORE_YEAR = "{value} is before the {year} collection year (DfE rule 704)"
DOLO_IN_PLACEMENT = (
    "{child} was placed in {place} (the episode starting {decom}, {episodes} row {row}) "
    "while deprived of liberty: not in K1, P1, R5 or K3 (DfE rule 710)"
)
DOLO_UNEXPECTED_PLACEMENT = (
    "{child} was placed in {place} (the episode starting {decom}, {episodes} row {row}) "
    "while deprived of liberty: a child deprived of liberty is placed in K2, Z12 or Z13 "
    "(DfE rule 709)"
)
DOLO_OUTSIDE_CARE = (
    "{child}'s deprivation of liberty {span} is outside each of their periods of care in "
    "this return: one with no end (DOLO_END) lies in a period of care that has not ended, "
    "one with an end within a period of care (DfE rule 707)"
)
DOLO_BEFORE_BIRTH = "is before the child's date of birth (DOB) (DfE rule 708)"
DOLO_WHILE_OPEN = (
    "{child}'s deprivation of liberty starting {start} begins while the one starting "
    "{earlier} (row {row}) is still in force (DfE rule 705)"
)
# The first bytes of files that are sometimes renamed .csv.
_NOT_CSV_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook",
    b"%PDF": "a PDF",
}


class Problems:
    """Problems found so far, each as "FILE, row N, column X: message"."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str, *, row: int | None = None, column: str = "") -> None:
        place = where
        if row is not None:
            place += f", row {row}"
        if column:
            place += f", column {column}"
        self.items.append(f"{place}: {message}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Row:
    """One row of a return: its text, and for the tables Oversight models, its values."""

    table: str
    child_id: str
    position: int
    values: dict[str, str]  # every column but CHILD, as the text in the file
    where: str  # the file, for messages
    fields: dict = field(default_factory=dict)


@dataclass
class YearReturn:
    """One collection year's return, as read from one directory."""

    year: int
    label: str  # "2024-25"
    source: Path
    files: dict[str, str] = field(default_factory=dict)  # table -> file, for messages
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def header(self) -> dict[str, Row]:
        return {row.child_id: row for row in self.rows.get(ReturnTable.HEADER, [])}

    def all_rows(self) -> Iterable[Row]:
        for rows in self.rows.values():
            yield from rows


# Reading files --------------------------------------------------------------------------


def return_read(
    directory: Path,
    problems: Problems,
    progress: Progress | None = None,
    *,
    year: int | None = None,
):
    """Read and check one year's CSVs; None if the directory cannot be read at all.

    `year` (2019 for 2019-20) is the council's word for the year; without it the
    directory's name must say (returns.rules.return_year_from_name).
    """
    say = progress or (lambda _: None)
    directory = Path(directory)
    if not directory.is_dir():
        problems.add(str(directory), "is not a directory")
        return None
    raw: dict[str, tuple[str, list[tuple[int, list[str]]], list[str]]] = {}
    csvs = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".csv")
    if not csvs:
        problems.add(str(directory), "holds no CSV files")
        return None
    for path in csvs:
        where = f"{directory.name}/{path.name}"
        if empty_file(path):
            say(f"  {where} {EMPTY_TABLE_ABSENT}")
            continue
        read = _csv_read(path, where, problems, say)
        if read is None:
            continue
        columns, lines = read
        table = table_for(columns)
        if table is None:
            table, columns, lines = _extra_columns_dropped(where, columns, lines, say)
        if table is None:
            _unknown_table(where, columns, problems)
            continue
        if table.name in raw:
            problems.add(
                where,
                f"a second {table.name} table (the first is {raw[table.name][0]}); "
                "give each table once",
            )
            continue
        raw[table.name] = (where, lines, columns)
        say(f"  {where}: {table.name}, {len(lines):,} rows")

    if year is not None:
        how = "the year given"
    else:
        year, how = return_year_from_name(directory.name), "from the directory name"
    if year is None:
        problems.add(str(directory), YEAR_NOT_GIVEN)
        return None
    result = YearReturn(year=year, label=year_label(year), source=directory)
    say(f"{directory}: the {result.label} return ({how})")
    for table in TABLES:
        if table.name not in raw:
            if table.required:
                problems.add(
                    str(directory),
                    f"no {table.name} table: it is required (a CSV file with the columns "
                    f"{', '.join(table.columns)})",
                )
            continue
        where, lines, columns = raw[table.name]
        if year < table.since:
            problems.add(
                where,
                TABLE_NOT_IN_YEAR.format(
                    table=table.name, since=year_label(table.since), year=result.label
                ),
            )
            continue
        result.files[table.name] = where
        result.rows[table.name] = _rows_read(table.name, where, columns, lines, year, problems)
    _return_check(result, problems)
    return result


def _extra_columns_dropped(where: str, columns: list[str], lines, say: Progress):
    """A table with a council's own columns besides DfE's: those columns left out, and said."""
    given = set(columns)
    table = next((t for t in TABLES if set(t.columns) < given), None)
    if table is None:
        return None, columns, lines
    keep = [i for i, c in enumerate(columns) if c in table.columns]
    extra = [c for c in columns if c not in table.columns]
    say(f"  {where}: {', '.join(extra)} {COLUMN_IGNORED}")
    return (
        table,
        [columns[i] for i in keep],
        [(n, [cells[i] for i in keep]) for n, cells in lines if len(cells) == len(columns)]
        + [(n, cells) for n, cells in lines if len(cells) != len(columns)],
    )


def empty_file(path: Path) -> bool:
    """A file of no more than a stray byte or a blank line: an optional table left out."""
    return path.stat().st_size <= 3 and not path.read_bytes().strip(b"\xef\xbb\xbf \r\n\t")


def _csv_read(path: Path, where: str, problems: Problems, say: Progress):
    with path.open("rb") as handle:
        start = handle.read(8)
    for signature, kind in _NOT_CSV_SIGNATURES.items():
        if start.startswith(signature):
            problems.add(where, NOT_A_CSV.format(kind=kind))
            return None
    # Excel's "Unicode Text" is UTF-16 with a byte-order mark, its columns split by tabs.
    utf16 = start[:2] in (b"\xff\xfe", b"\xfe\xff")
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp1252"):
        try:
            with path.open(newline="", encoding=encoding) as handle:
                first = handle.readline()
                handle.seek(0)
                delimiter = "\t" if "\t" in first and "," not in first else ","
                reader = csv.reader(handle, delimiter=delimiter)
                columns = [c.strip().upper() for c in next(reader, [])]
                if any("\x00" in c for c in columns):
                    problems.add(where, NUL_IN_FILE, row=1)
                    return None
                lines = []
                for number, cells in enumerate(reader, start=2):
                    if any("\x00" in c for c in cells):
                        problems.add(where, NUL_IN_FILE, row=number)
                        return None
                    if cells and any(c.strip() for c in cells):
                        lines.append((number, cells))
                    if number % _PROGRESS_EVERY == 0:
                        say(f"  {where}: read {number:,} rows")
            break
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            problems.add(where, f"is not a readable CSV file ({exc})")
            return None
    else:
        problems.add(where, "is neither UTF-8 nor Windows text; save it as UTF-8 CSV")
        return None
    if not columns:
        problems.add(where, "is empty: the first row must hold the column names", row=1)
        return None
    # A trailing comma on every line is an empty last column, not a column.
    while columns and not columns[-1]:
        columns.pop()
        lines = [
            (n, cells[:-1] if len(cells) > len(columns) and not cells[-1].strip() else cells)
            for n, cells in lines
        ]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    for column in repeated:
        problems.add(where, COLUMN_REPEATED, row=1, column=column)
    if repeated:
        return None
    return columns, lines


def _unknown_table(where: str, columns: list[str], problems: Problems) -> None:
    meant = closest_table(columns)
    if meant is None:
        problems.add(where, f"the columns {', '.join(columns)} match no SSDA903 table", row=1)
        return
    for column in meant.columns:
        if column not in columns:
            problems.add(
                where, f"the {meant.name} table's required column is missing", row=1, column=column
            )
    for column in columns:
        if column not in meant.columns:
            problems.add(where, f"is not a column of the {meant.name} table", row=1, column=column)


# Checking rows ---------------------------------------------------------------------------


class _Cells:
    """One row's cells, read with problems reported against its file, row and column."""

    def __init__(self, values: dict[str, str], where: str, row: int, year: int, problems):
        self.values = values
        self.where = where
        self.row = row
        self.year = year
        self.problems = problems

    def problem(self, column: str, message: str) -> None:
        self.problems.add(self.where, message, row=self.row, column=column)

    def text(self, column: str, *, max_length: int, required: bool = False) -> str:
        value = self.values[column]
        if required and not value:
            self.problem(column, "is blank; it is required")
        elif len(value) > max_length:
            self.problem(column, f"'{value}' is longer than {max_length} characters")
        return value

    def child_id(self) -> str:
        value = self.values["CHILD"]
        if not value:
            self.problem("CHILD", "is blank; it is required")
        elif _CHILD_ID.fullmatch(value) is None:
            self.problem("CHILD", CHILD_ID_NOT_VALID.format(value=value[:40]))
        return value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.values[column]
        if not value:
            if required:
                self.problem(column, "is blank; a date (dd/mm/YYYY) is required")
            return None
        try:
            day = parse_date(value)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None
        if column not in _UNBOUNDED_DATES and day > year_end(self.year):
            self.problem(
                column,
                f"{value} is after the end of the {year_label(self.year)} collection year "
                f"(31/03/{self.year + 1})",
            )
        return day

    def code(
        self, column: str, choices: type[models.TextChoices], *, blank_ok: bool = False
    ) -> str:
        value = self.values[column].upper()
        if not value:
            if not blank_ok:
                self.problem(column, "is blank; a code is required")
            return ""
        if value not in _codes(choices):
            self.problem(column, f"'{value}' is not a recognised {column} code")
        return value


@cache
def _codes(choices: type[models.TextChoices]) -> frozenset[str]:
    return frozenset(choices.values)


def _rows_read(
    table: str,
    where: str,
    columns: list[str],
    lines: list[tuple[int, list[str]]],
    year: int,
    problems: Problems,
) -> list[Row]:
    rows = []
    width = len(columns)
    for number, cells in lines:
        if len(cells) != width:
            problems.add(
                where,
                f"has {len(cells)} values but there are {width} columns",
                row=number,
            )
            continue
        values = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        for column in BY_NAME[table].dates:
            values[column] = date_text_normalised(values[column])
        rows.append(
            row_read(table, values, where=where, position=number, year=year, problems=problems)
        )
    return rows


def row_read(
    table: str, values: dict[str, str], *, where: str, position: int, year: int, problems
) -> Row:
    """Check one row and read the values Oversight models from it."""
    values = dict(values)
    cells = _Cells(values, where, position, year, problems)
    child_id = cells.child_id() if "CHILD" in values else ""
    values.pop("CHILD", None)
    reader = _READERS.get(table, _other_read)
    fields = reader(cells, table)
    return Row(table, child_id, position, values, where, fields)


def _header_read(cells: _Cells, _table: str) -> dict:
    # Each year's own codes (core.spec_years.SEX_YEARS): 1/2 until 2023-24, M/F/U after.
    sex = sex_read(cells.values["SEX"], cells.year)
    if not cells.values["SEX"]:
        cells.problem("SEX", "is blank; a code is required")
        sex = ""
    elif sex is None:
        codes = sex_codes_in_year(cells.year)
        cells.problem(
            "SEX",
            SEX_NOT_IN_YEAR.format(
                value=cells.values["SEX"],
                year=year_label(cells.year),
                codes=", ".join(codes[:-1]) + " or " + codes[-1],
            ),
        )
        sex = ""
    if cells.values["MOTHER"] not in {"", "0", "1"}:
        cells.problem("MOTHER", f"'{cells.values['MOTHER']}' is not 0, 1 or blank")
    cells.date("MC_DOB")
    return {
        "date_of_birth": cells.date("DOB", required=True),
        "sex": sex,
        "ethnicity": cells.code("ETHNIC", Ethnicity),
        "upn": cells.text("UPN", max_length=13),
    }


_EPISODE_CODES = {f: (choices, blank_ok) for f, choices, _, blank_ok in EPISODE_CODE_FIELDS}
_EPISODE_TEXT = {"home_postcode": 8, "placement_postcode": 8, "urn": 8}


def _episode_read(cells: _Cells, _table: str) -> dict:
    fields: dict = {}
    for name, column in EPISODE_COLUMNS.items():
        if name in _EPISODE_CODES:
            choices, blank_ok = _EPISODE_CODES[name]
            fields[name] = cells.code(column, choices, blank_ok=blank_ok)
            # A code of another year's list (H5 in 2025-26, Z11 in 2024-25).
            if fields[name] in _codes(choices) and (
                wrong := code_year_problem(name, fields[name], cells.year, column=column)
            ):
                cells.problem(column, wrong)
        elif name in _EPISODE_TEXT:
            fields[name] = cells.text(column, max_length=_EPISODE_TEXT[name])
        else:
            fields[name] = cells.date(column, required=name == "started_on")
    place = fields["placement"]
    if place in PLACEMENTS_WITHOUT_PROVIDER:
        if fields["placement_provider"]:
            cells.problem(
                "PLACE_PROVIDER",
                PROVIDER_NOT_FOR_PLACEMENT.format(value=fields["placement_provider"], place=place),
            )
        if fields["urn"]:
            cells.problem("URN", URN_NOT_FOR_PLACEMENT.format(value=fields["urn"], place=place))
    start, end = fields["started_on"], fields["ended_on"]
    if start and end and end <= start:
        cells.problem("DEC", "the episode must end after the day it starts (DECOM)")
    if (
        cells.year >= NO_PLACE_CHANGE_ON_OPEN_EPISODE_FROM
        and fields["reason_place_change"]
        and not cells.values["DEC"]
    ):
        cells.problem(
            "REASON_PLACE_CHANGE",
            PLACE_CHANGE_ON_OPEN_EPISODE.format(value=fields["reason_place_change"]),
        )
    if bool(cells.values["DEC"]) != bool(cells.values["REC"]):
        cells.problem("REC", "give both the end date (DEC) and the reason (REC), or neither")
    return fields


def _review_read(cells: _Cells, _table: str) -> dict:
    cells.date("DOB")
    held_on = cells.date("REVIEW", required=True)
    code = cells.code("REVIEW_CODE", ParticipationCode)
    if held_on and not year_start(cells.year) <= held_on:
        cells.problem(
            "REVIEW",
            f"{cells.values['REVIEW']} is before the {year_label(cells.year)} collection year: "
            "a return lists the reviews held in its year",
        )
    return {"held_on": held_on, "participation_code": code}


def _decision_read(cells: _Cells, _table: str) -> dict:
    cells.date("DOB")
    decided_on = cells.date("DATE_PLACED", required=True)
    ceased_on = cells.date("DATE_PLACED_CEASED")
    reason = cells.code("REASON_PLACED_CEASED", AdoptionDecisionCeased, blank_ok=True)
    if decided_on and ceased_on and ceased_on < decided_on:
        cells.problem("DATE_PLACED_CEASED", "is before the decision it ends (DATE_PLACED)")
    if bool(ceased_on) != bool(reason):
        cells.problem(
            "REASON_PLACED_CEASED",
            "give both DATE_PLACED_CEASED and REASON_PLACED_CEASED, or neither",
        )
    return {"decided_on": decided_on, "ceased_on": ceased_on, "reason_ceased": reason}


def _dolo_read(cells: _Cells, _table: str) -> dict:
    """A deprivation of liberty (2026-27 on): DfE rules 700, 702 and 708."""
    born = cells.date("DOB")
    start = cells.date("DOLO_START", required=True)
    end = cells.date("DOLO_END")
    if start and end and end <= start:
        cells.problem("DOLO_END", DOLO_END_NOT_AFTER_START)
    if start and born and start < born:
        cells.problem("DOLO_START", DOLO_BEFORE_BIRTH)
    if end and end < year_start(cells.year):
        cells.problem(
            "DOLO_END",
            DOLO_END_BEFORE_YEAR.format(
                value=cells.values["DOLO_END"], year=year_label(cells.year)
            ),
        )
    return {"started_on": start, "ended_on": end}


def _other_read(cells: _Cells, table: str) -> dict:
    for column in BY_NAME[table].dates:
        cells.date(column)
    if table == ReturnTable.PREV_PERM:
        value = cells.values["DATE_PERM"]
        if value and not is_partial_date(value):
            cells.problem("DATE_PERM", f"'{value}' is not a date (dd/mm/YYYY, ZZ if unknown)")
    return {}


_READERS = {
    ReturnTable.HEADER: _header_read,
    ReturnTable.EPISODES: _episode_read,
    ReturnTable.REVIEWS: _review_read,
    ReturnTable.PLACED_ADOPTION: _decision_read,
    ReturnTable.DOLO: _dolo_read,
}


# Checking a year's tables together -----------------------------------------------------


def _return_check(result: YearReturn, problems: Problems) -> None:
    """What no single row shows: unknown children, repeats, overlapping episodes, ages."""
    header: dict[str, Row] = {}
    for row in result.rows.get(ReturnTable.HEADER, []):
        if row.child_id in header:
            problems.add(
                row.where,
                f"{row.child_id} is already in the header at row {header[row.child_id].position}",
                row=row.position,
                column="CHILD",
            )
        elif row.child_id:
            header[row.child_id] = row
    header_file = result.files.get(ReturnTable.HEADER, "the header")
    for table, rows in result.rows.items():
        if table == ReturnTable.HEADER:
            continue
        for row in rows:
            if not row.child_id:
                continue
            own = header.get(row.child_id)
            if own is None:
                problems.add(
                    row.where,
                    f"{row.child_id} is not in the header ({header_file})",
                    row=row.position,
                    column="CHILD",
                )
                continue
            born = own.values["DOB"]
            if row.values.get("DOB") and born and row.values["DOB"] != born:
                problems.add(
                    row.where,
                    f"{row.values['DOB']} differs from {row.child_id}'s date of birth in the "
                    f"header ({born})",
                    row=row.position,
                    column="DOB",
                )
            if table == ReturnTable.REVIEWS:
                _participation_check(row, own, problems)

    _repeats_check(result.rows.get(ReturnTable.REVIEWS, []), "held_on", "review", problems)
    _repeats_check(
        result.rows.get(ReturnTable.PLACED_ADOPTION, []), "decided_on", "decision", problems
    )
    _overlaps_check(result.rows.get(ReturnTable.EPISODES, []), problems)
    _dolo_overlaps_check(result.rows.get(ReturnTable.DOLO, []), problems)
    dolos, episodes = (
        result.rows.get(ReturnTable.DOLO, []),
        result.rows.get(ReturnTable.EPISODES, []),
    )
    _dolo_placements_check(dolos, episodes, problems)
    _dolo_in_care_check(dolos, episodes, problems)


def _participation_check(row: Row, own: Row, problems: Problems) -> None:
    held_on, code = row.fields["held_on"], row.fields["participation_code"]
    if held_on is None or code not in _codes(ParticipationCode):
        return
    problem = participation_code_problem(
        code, date_of_birth=own.fields.get("date_of_birth"), held_on=held_on
    )
    if problem:
        problems.add(row.where, problem, row=row.position, column="REVIEW_CODE")


def _repeats_check(rows: list[Row], key: str, noun: str, problems: Problems) -> None:
    seen: dict[tuple, Row] = {}
    for row in rows:
        value = row.fields.get(key)
        if value is None:
            continue
        first = seen.setdefault((row.child_id, value), row)
        if first is not row:
            problems.add(
                row.where,
                f"repeats {row.child_id}'s {noun} of {value:%d/%m/%Y} (row {first.position})",
                row=row.position,
            )


def _overlaps_check(rows: list[Row], problems: Problems) -> None:
    _spans_check(
        rows,
        problems,
        column="DECOM",
        message=lambda later, earlier: (
            f"{later.child_id}'s episode starting {later.values['DECOM']} overlaps "
            f"the episode starting {earlier.values['DECOM']} (row {earlier.position})"
        ),
    )


def _dolo_overlaps_check(rows: list[Row], problems: Problems) -> None:
    """A child's deprivations of liberty follow one another (DfE rule 705)."""
    _spans_check(
        rows,
        problems,
        column="DOLO_START",
        message=lambda later, earlier: DOLO_WHILE_OPEN.format(
            child=later.child_id,
            start=later.values["DOLO_START"],
            earlier=earlier.values["DOLO_START"],
            row=earlier.position,
        ),
    )


def _spans_check(
    rows: list[Row], problems: Problems, *, column: str, message: Callable[[Row, Row], str]
) -> None:
    """Each child's rows with a start and an end (`fields`) that overlap the one before."""
    by_child: dict[str, list[Row]] = {}
    for row in rows:
        if row.fields.get("started_on") is not None:
            by_child.setdefault(row.child_id, []).append(row)
    for child_rows in by_child.values():
        child_rows.sort(key=lambda r: r.fields["started_on"])
        for earlier, later in pairwise(child_rows):
            if episodes_overlap(earlier.fields, later.fields):
                problems.add(
                    later.where, message(later, earlier), row=later.position, column=column
                )


def _dolo_placements_check(dolos: list[Row], episodes: list[Row], problems: Problems) -> None:
    """During a deprivation of liberty with both dates, each placement is K2, Z12 or Z13
    (rule 709), and never K1, P1, R5 or K3 (rule 710, said instead of 709 for those)."""
    by_child = _episodes_by_child(episodes)
    for dolo in dolos:
        if dolo.fields.get("started_on") is None or dolo.fields.get("ended_on") is None:
            continue
        for episode in by_child.get(dolo.child_id, []):
            place = episode.fields.get("placement")
            # Days in common, an end day included (the rules' <= and >=).
            if place in PLACEMENTS_EXPECTED_WITH_DOLO or not (
                dolo.fields["started_on"] <= (episode.fields["ended_on"] or dt.date.max)
                and episode.fields["started_on"] <= dolo.fields["ended_on"]
            ):
                continue
            message = (
                DOLO_IN_PLACEMENT
                if place in PLACEMENTS_NOT_WITH_DOLO
                else DOLO_UNEXPECTED_PLACEMENT
            )
            problems.add(
                dolo.where,
                message.format(
                    child=dolo.child_id,
                    place=place,
                    decom=episode.values["DECOM"],
                    episodes=episode.where,
                    row=episode.position,
                ),
                row=dolo.position,
                column="DOLO_START",
            )


def _dolo_in_care_check(dolos: list[Row], episodes: list[Row], problems: Problems) -> None:
    """A deprivation of liberty lies in one of the child's periods of care in the return;
    one with no end in a period still open (rule 707). A child with no episodes in the
    return is not checked, as the DfE's rule does not."""
    by_child = _episodes_by_child(episodes)
    for dolo in dolos:
        start, end = dolo.fields.get("started_on"), dolo.fields.get("ended_on")
        periods = _periods(by_child.get(dolo.child_id, []))
        if start is None or not periods:
            continue
        if all(dolo_outside_period(start, end, period) for period in periods):
            span = f"from {dolo.values['DOLO_START']}"
            if end is not None:
                span += f" to {dolo.values['DOLO_END']}"
            problems.add(
                dolo.where,
                DOLO_OUTSIDE_CARE.format(child=dolo.child_id, span=span),
                row=dolo.position,
                column="DOLO_END",
            )


def dolo_outside_period(start: dt.date, end: dt.date | None, period: PeriodFacts) -> bool:
    """Whether a deprivation of liberty lies outside a period of care (DfE rule 707): one
    still in force outlasts a period that has ended or began before it; one with an end
    ends after the period or before it began."""
    if end is None:
        return period.ended_on is not None or start < period.first_recorded_on
    return (period.ended_on is not None and end > period.ended_on) or (
        end < period.first_recorded_on
    )


def _episodes_by_child(episodes: list[Row]) -> dict[str, list[Row]]:
    by_child: dict[str, list[Row]] = {}
    for row in episodes:
        if row.fields.get("started_on") is not None:
            by_child.setdefault(row.child_id, []).append(row)
    for rows in by_child.values():
        rows.sort(key=lambda r: r.fields["started_on"])
    return by_child


def _periods(episodes: list[Row]) -> list[PeriodFacts]:
    """A child's periods of care in the return (reviews.rules.periods_from_episodes)."""
    return periods_from_episodes(
        [
            EpisodeFacts(
                started_on=e.fields["started_on"],
                ended_on=e.fields["ended_on"],
                reason_new_episode=e.fields["reason_new_episode"],
                reason_ceased=e.fields["reason_ceased"],
                legal_status=e.fields["legal_status"],
                placement=e.fields["placement"],
            )
            for e in episodes
        ]
    )
