"""SSDA903 returns for tests: the sample council, small returns written row by row, and a
snapshot of everything an import writes (synthetic data, no real people)."""

import csv
import shutil
from pathlib import Path

from core.codes import Sex
from core.spec_years import sex_written
from iro.models import Child
from returns.models import ReturnRow
from returns.rules import return_year_from_name
from returns.ssda903.tables import BY_NAME, TABLES
from reviews.models import AdoptionDecision, Episode, LookedAfterReview, PeriodOfCare

COUNCIL_A = Path(__file__).resolve().parent.parent / "data" / "council-a"
YEARS = ("2022-23", "2023-24", "2024-25")


def sample(year: str) -> Path:
    """One year of the sample council's SSDA903 return."""
    return COUNCIL_A / "ssda903" / year


def sample_copy(year: str, into: Path) -> Path:
    """A writable copy of a sample year, to break on purpose."""
    target = into / year
    shutil.copytree(sample(year), target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def csv_write(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    columns = columns or list(rows[0])
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def return_write(
    directory: Path, *, year: int | None = None, **tables: list[dict[str, str]]
) -> Path:
    """Write a return: each keyword a table (Header=[{...}]), Header, Episodes and Reviews
    always (empty if not given); a row's missing columns are blank. A header row's sex
    (`header()`, male unless given) is written in the code of the year the directory is
    named for, or of `year` (2019 for 2019-20) for a directory named for none (1 until
    2023-24, M from 2024-25; M if neither says); a SEX given as a code is written as given."""
    directory.mkdir(parents=True, exist_ok=True)
    year = return_year_from_name(directory.name) if year is None else year
    for table in TABLES:
        if table.name not in tables and not table.required:
            continue
        rows = [{c: row.get(c, "") for c in table.columns} for row in tables.get(table.name, [])]
        for row in rows:
            if isinstance(row.get("SEX"), _SexOf):
                row["SEX"] = row["SEX"].code(year)
        csv_write(directory / table.filename, rows, list(BY_NAME[table.name].columns))
    return directory


class _SexOf(str):
    """A sex to be written in the code of the return's own year (`return_write`)."""

    def code(self, year: int | None) -> str:
        return str(self) if year is None else sex_written(str(self), year)


def header(child="C1", sex: str | None = None, dob="01/06/2015", **extra) -> dict[str, str]:
    """A header row; `sex` is a code as written, or by default a boy in his year's code."""
    given = _SexOf(Sex.MALE) if sex is None else sex
    values = {"CHILD": child, "SEX": given, "DOB": dob, "ETHNIC": "WBRI", "UPN": "A123456789012"}
    return values | extra


def episode(child="C1", decom="01/05/2024", rne="S", dec="", rec="", **extra) -> dict[str, str]:
    values = {"CHILD": child, "DECOM": decom, "RNE": rne, "LS": "C2", "CIN": "N1"}
    values |= {"PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": dec, "REC": rec}
    values |= {"HOME_POST": "TW2 7PF", "PL_POST": "SW17 8DU", "URN": "XXXXXXX"}
    return values | extra


def review(child="C1", date="20/05/2024", code="PN1", dob="01/06/2015") -> dict[str, str]:
    return {"CHILD": child, "DOB": dob, "REVIEW": date, "REVIEW_CODE": code}


def _rows(queryset, *fields) -> list[tuple]:
    return sorted((tuple(row) for row in queryset.values_list(*fields)), key=repr)


def records_snapshot() -> dict[str, list[tuple]]:
    """Everything an import writes, without database ids or timestamps, in a fixed order."""
    return {
        "children": _rows(
            Child.objects,
            "child_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "upn",
            "return_year",
        ),
        "episodes": _rows(
            Episode.objects,
            "child__child_id",
            "started_on",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement",
            "placement_provider",
            "ended_on",
            "reason_ceased",
            "reason_place_change",
            "home_postcode",
            "placement_postcode",
            "urn",
            "return_year",
            "period__first_recorded_on",
        ),
        "periods": _rows(
            PeriodOfCare.objects,
            "child__child_id",
            "started_on",
            "first_recorded_on",
            "ended_on",
            "is_short_breaks",
            "next_review_due",
            "next_review_reason",
        ),
        "reviews": _rows(
            LookedAfterReview.objects,
            "child__child_id",
            "held_on",
            "status",
            "participation_code",
            "number",
            "due_on",
            "due_reason",
            "return_year",
            "period__first_recorded_on",
        ),
        "adoption decisions": _rows(
            AdoptionDecision.objects,
            "child__child_id",
            "decided_on",
            "ceased_on",
            "reason_ceased",
            "return_year",
        ),
        "return rows": sorted(
            (child_id, year, table, position, sorted(values.items()))
            for child_id, year, table, position, values in ReturnRow.objects.values_list(
                "child__child_id", "year", "table", "position", "values"
            )
        ),
    }
