"""The import, export and benchmark commands, as a council's analyst runs them."""

import io

import pytest
from django.core.management import call_command

from iro.models import Child
from tests.returns.ssda903 import episode, header, return_write, review

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_import_shows_its_progress_and_what_it_added_changed_and_left_alone(tmp_path):
    directory = return_write(
        tmp_path / "2024-25",
        Header=[header(), header(child="C2")],
        Episodes=[episode(), episode(child="C2")],
        Reviews=[review()],
    )
    first = run("import_ssda903", str(directory))
    assert "2024-25/episodes.csv: Episodes, 2 rows" in first
    assert "the 2024-25 return (from the directory name)" in first
    assert "Children:            added 2, changed 0, unchanged 0" in first
    assert "Reviews:             added 1, changed 0, unchanged 0" in first
    assert "Due dates:           recomputed for 2 children" in first
    again = run("import_ssda903", str(directory))
    assert "Children:            added 0, changed 0, unchanged 2" in again


def test_the_export_writes_every_table_of_the_year_with_the_dfe_columns(tmp_path):
    directory = return_write(
        tmp_path / "2024-25", Header=[header()], Episodes=[episode()], Reviews=[review()]
    )
    run("import_ssda903", str(directory))
    out = run("export_ssda903", "--year", "2024", str(tmp_path / "out"))
    assert "Wrote 11 tables, 3 rows." in out
    written = {p.name: p.read_text().splitlines() for p in (tmp_path / "out").iterdir()}
    assert written["reviews.csv"] == [
        "CHILD,DOB,REVIEW,REVIEW_CODE",
        "C1,01/06/2015,20/05/2024,PN1",
    ]
    assert written["placed_for_adoption.csv"] == [
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED"
    ]


def test_the_benchmark_reports_time_and_memory_and_leaves_the_database_unchanged():
    out = run("bench_import", "--children", "25")
    assert "Children:            25" in out
    assert "First import:" in out and "Peak memory (RSS):" in out
    assert "Target:              under 60 s: met" in out
    assert not Child.objects.exists()
