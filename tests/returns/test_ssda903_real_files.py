"""SSDA903 files as councils really write them: what the DfE validator accepts is read."""

from pathlib import Path

import pytest

from returns.models import ReturnTable
from returns.ssda903.reading import (
    CHILD_ID_NOT_VALID,
    COLUMN_REPEATED,
    EMPTY_TABLE_ABSENT,
    NOT_A_CSV,
    NUL_IN_FILE,
    Problems,
    return_read,
)
from tests.returns.ssda903 import episode, header, return_write, review

LONG_ID = "LA-2024-000000012345"  # 20 characters, as LAchildID allows


def read(directory):
    problems = Problems()
    said: list[str] = []
    result = return_read(directory, problems, said.append)
    return result, problems.items, said


def test_a_child_id_of_up_to_twenty_characters_is_read(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header(child=LONG_ID)],
        Episodes=[episode(child=LONG_ID)],
        Reviews=[review(child=LONG_ID)],
    )
    result, problems, _ = read(directory)
    assert problems == []
    assert [row.child_id for row in result.rows[ReturnTable.HEADER]] == [LONG_ID]


def test_a_child_id_that_is_a_spreadsheet_formula_is_refused(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header(child="=1+2")],
        Episodes=[episode(child="=1+2")],
    )
    _, problems, _ = read(directory)
    assert (
        f"2024-25/header.csv, row 2, column CHILD: {CHILD_ID_NOT_VALID.format(value='=1+2')}"
        in (problems)
    )


def test_dates_without_leading_zeros_are_read_as_excel_writes_them(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header(dob="1/6/2015")],
        Episodes=[episode(decom="1/5/2024")],
        Reviews=[review(date="20/5/2024", dob="1/6/2015")],
    )
    result, problems, _ = read(directory)
    assert problems == []
    assert str(result.rows[ReturnTable.EPISODES][0].fields["started_on"]) == "2024-05-01"


def test_a_uasc_row_whose_duc_is_after_the_year_end_is_accepted(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header()],
        Episodes=[episode()],
        UASC=[{"CHILD": "C1", "SEX": "M", "DOB": "01/06/2015", "DUC": "01/06/2033"}],
    )
    _, problems, _ = read(directory)
    assert problems == []


def test_a_one_byte_optional_table_is_an_absent_table_and_says_so(tmp_path):
    directory = return_write(tmp_path / "2024-25", Header=[header()], Episodes=[episode()])
    (directory / "ad1.csv").write_bytes(b"\n")
    result, problems, said = read(directory)
    assert problems == []
    assert ReturnTable.AD1 not in result.rows
    assert f"  2024-25/ad1.csv {EMPTY_TABLE_ABSENT}" in said


def test_a_duplicated_column_is_refused(tmp_path):
    directory = return_write(tmp_path / "2024-25", Header=[header()], Episodes=[episode()])
    (directory / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,ETHNIC\nC1,M,01/06/2015,WBRI,,,,WBRI\n"
    )
    _, problems, _ = read(directory)
    assert f"2024-25/header.csv, row 1, column ETHNIC: {COLUMN_REPEATED}" in problems


def test_excels_unicode_text_is_read(tmp_path):
    directory = return_write(tmp_path / "2024-25", Header=[header()], Episodes=[episode()])
    text = (directory / "header.csv").read_text().replace(",", "\t")
    (directory / "header.csv").write_bytes(text.encode("utf-16"))
    result, problems, _ = read(directory)
    assert problems == []
    assert list(result.header()) == ["C1"]


def test_a_nul_byte_is_refused_with_its_row(tmp_path):
    directory = return_write(tmp_path / "2024-25", Header=[header()], Episodes=[episode()])
    path = directory / "episodes.csv"
    path.write_bytes(path.read_bytes().replace(b"TW2", b"TW\x002"))
    _, problems, _ = read(directory)
    assert problems[0] == f"2024-25/episodes.csv, row 2: {NUL_IN_FILE}"


def test_a_workbook_renamed_csv_is_named_as_one_and_its_bytes_never_shown(tmp_path):
    directory = return_write(tmp_path / "2024-25", Header=[header()], Episodes=[episode()])
    (directory / "episodes.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00binary\xff\xfe")
    _, problems, _ = read(directory)
    assert problems[0] == "2024-25/episodes.csv: " + NOT_A_CSV.format(kind="an Excel workbook")
    assert "episodes.csv: is not a CSV file (it looks like an Excel workbook)" in problems[0]
    assert "binary" not in " ".join(problems)


DATA = Path(__file__).resolve().parent.parent / "data"
COUNCIL_B_YEARS = ("2021-22", "2022-23", "2023-24", "2024-25")


def rows_of(directory: Path) -> dict[str, list]:
    result, problems, _ = read(directory)
    assert problems == []
    return {
        table: sorted(((r.child_id, r.values, r.fields) for r in rows), key=repr)
        for table, rows in result.rows.items()
    }


@pytest.mark.parametrize("year", COUNCIL_B_YEARS)
def test_council_b_written_carelessly_reads_as_the_same_rows_as_council_b(year):
    dirty = rows_of(DATA / "council-b-dirty" / "ssda903" / year)
    clean = rows_of(DATA / "council-b" / "ssda903" / year)
    assert dirty == clean
