"""The sample council's three years of returns, imported as a council would, give the
annual report figures the sample council expects for 2023-24 and 2024-25."""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from reporting.annual_report import report_build

REPO = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("OVERSIGHT_SAMPLES", REPO / "tests" / "data"))
COUNCIL_A = SAMPLES / "council-a"
YEARS = ["2022-23", "2023-24", "2024-25"]


def _sample_paths() -> tuple[list[str], list[str]]:
    returns = [COUNCIL_A / "ssda903" / year for year in YEARS]
    censuses = [COUNCIL_A / "cin" / f"{year}.xml" for year in YEARS]
    missing = [str(p) for p in [*returns, *censuses] if not p.exists()]
    if missing:
        # A missing sample is a failure, never a skip: set OVERSIGHT_SAMPLES.
        pytest.fail(f"The sample council's returns are missing: {', '.join(missing)}")
    return [str(p) for p in returns], [str(p) for p in censuses]


@pytest.fixture(scope="module")
def council_a(django_db_setup, django_db_blocker):
    """The three years of both returns, loaded once through the import commands."""
    returns, censuses = _sample_paths()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_ssda903", *returns, stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("import_cin_census", *censuses, stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield json.loads((COUNCIL_A / "expected.json").read_text())
        transaction.set_rollback(True)


def _differences(expected: dict, actual: dict, path: str = "") -> list[str]:
    out = []
    for key, value in expected.items():
        got = actual.get(key) if isinstance(actual, dict) else None
        if isinstance(value, dict):
            out += _differences(value, got or {}, f"{path}{key}.")
        elif got != value:
            out.append(f"{path}{key}: expected {value}, got {got}")
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2023, 2024])
def test_the_report_gives_the_figures_the_sample_council_expects(council_a, year):
    expected = council_a[f"annual_report_{year}"]
    report = report_build(year)
    assert report["year"] == expected["year"]
    assert _differences(expected, report) == []


@pytest.mark.django_db
def test_the_json_command_prints_the_expected_keys_as_counts(council_a, capsys):
    call_command("annual_report", "--year", "2024", "--format", "json")
    printed = json.loads(capsys.readouterr().out)
    assert _differences(council_a["annual_report_2024"], printed) == []
    assert printed["looked_after"]["reviews_in_time_pct"] == round(100 * 527 / 563, 1)
