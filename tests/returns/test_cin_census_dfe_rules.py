"""What Oversight writes passes the DfE's own CIN census rules (csc-validator-be-cin).

The validator pins pandas 1.x (and, through it, numpy 1.x) and older setuptools, so it
lives in its own virtual environment, built by `make validators`, and runs here as a
subprocess. Without it these tests fail: they never skip.
"""

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from protection.services import ChildOutcome, conference_book, conference_record_held
from protection.services import section47_start as start_enquiry
from returns.cin_census.exporter import cin_census_export
from tests.factories import ChildFactory
from tests.returns.census import REPO, cp_data, sample, wipe
from tests.returns.test_cin_census import load

pytestmark = pytest.mark.django_db

VALIDATOR_PYTHON = Path(
    os.environ.get("OVERSIGHT_VALIDATOR_PYTHON", REPO / ".venv-validators" / "bin" / "python")
)
CHECK = REPO / "returns" / "cin_census" / "dfe_check.py"


def dfe_checks(files: dict[str, tuple[int, Path]]) -> dict[str, dict]:
    """Run the DfE checks on several files at once (each takes seconds)."""
    if not VALIDATOR_PYTHON.exists():
        pytest.fail(
            f"The DfE validators are not installed ({VALIDATOR_PYTHON}): run make validators"
        )
    running = {
        name: subprocess.Popen(
            [str(VALIDATOR_PYTHON), str(CHECK), str(year), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (year, path) in files.items()
    }
    results = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results[name] = json.loads(out)
    return results


def test_each_year_imported_then_exported_gives_back_its_cp_data_and_passes_the_dfe_rules(
    tmp_path, time_machine
):
    files = {}
    for year in (2022, 2023, 2024):
        wipe()
        load(sample(year))
        exported = cin_census_export(year=year)
        assert cp_data(exported) == cp_data(sample(year).read_bytes()), year
        path = tmp_path / f"export-{year}.xml"
        path.write_bytes(exported)
        files[f"{year} from its return"] = (year, path)

    # Records made in Oversight alone, with no census behind them.
    wipe()
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    child = ChildFactory(child_id="N1", date_of_birth=dt.date(2016, 3, 4))
    start_enquiry(child=child, strategy_discussion_on=dt.date(2024, 10, 1))
    conference = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=dt.datetime(2024, 10, 15, 10, 0, tzinfo=dt.UTC),
        venue="Civic Centre",
    )
    conference_record_held(
        conference=conference,
        held_on=dt.date(2024, 10, 15),
        outcomes=[ChildOutcome(child, "plan_started", "NEG")],
    )
    path = tmp_path / "export-oversight.xml"
    path.write_bytes(cin_census_export(year=2024, la_code="318"))
    files["2024 from Oversight's records"] = (2024, path)

    # A census broken on purpose shows the check is not vacuous.
    broken = tmp_path / "broken.xml"
    broken.write_bytes(sample(2024).read_bytes().replace(b"<Sex>F</Sex>", b"<Sex>X</Sex>", 1))
    files["broken on purpose"] = (2024, broken)

    results = dfe_checks(files)

    assert results["broken on purpose"]["schema"]
    assert "4180" in {e["rule"] for e in results.pop("broken on purpose")["errors"]}
    del files["broken on purpose"]

    for name in files:
        assert results[name]["schema"] == [], name
        assert results[name]["errors"] == [], name
    for year in (2022, 2023, 2024):
        assert results[f"{year} from its return"]["queries"] == []
    # A one-child return with no census behind it raises only queries the DfE asks a
    # council to explain: no assessment (2991Q), no UPN (8770Q), few disability codes
    # across the return (2887Q). None is an error.
    queries = {q["rule"] for q in results["2024 from Oversight's records"]["queries"]}
    assert queries <= {"2991Q", "8770Q", "2887Q"}
