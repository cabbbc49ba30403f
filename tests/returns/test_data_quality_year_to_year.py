"""The DfE's year-to-year SSDA903 rules: each year checked against the return loaded for
the year before, as the DfE checks a council's return against the one it sent last year.

Oversight's own export of both years comes from the same records, so it always agrees
with itself; the return loaded for last year is what was sent.
"""

import datetime as dt
import sys

import pytest
from django.core.management import call_command

from returns.data_quality import (
    CONTINUITY_RULE,
    DOLO_CONTINUITY_RULE,
    DOLO_NOT_CONTINUED,
    Finding,
    RulesResult,
    data_quality_check,
    data_quality_dispatch,
    issues_replace,
    years_checked,
    years_with_previous,
)
from returns.models import DataQualityCheck, DataQualityIssue, ReturnName
from returns.ssda903.importer import returns_import
from reviews.models import Episode
from tests.returns.ssda903 import episode, header, return_write

pytestmark = pytest.mark.django_db
Outcome = DataQualityCheck.Outcome
# "The legal status in the first episode does not match open episode at end of last year."
LEGAL_STATUS_NOT_AS_LAST_YEAR = "503B"


@pytest.fixture(autouse=True)
def council(settings):
    settings.OVERSIGHT_LOCAL_AUTHORITY = "E09000027"


def returns_load(tmp_path, *, legal_status_2024="C1"):
    """C1 in care from May 2023 under an interim care order (C1) in 2023-24; the 2024-25
    return gives the same episode as a full care order (C2)."""
    returns_import(
        directories=[
            return_write(
                tmp_path / "2023-24",
                Header=[header()],
                Episodes=[episode(decom="01/05/2023", LS="C1")],
            ),
            return_write(
                tmp_path / "2024-25",
                Header=[header()],
                Episodes=[episode(decom="01/05/2023", LS=legal_status_2024)],
            ),
        ]
    )


def ssda903_issues(**filters) -> list[DataQualityIssue]:
    return list(DataQualityIssue.objects.filter(return_name=ReturnName.SSDA903, **filters))


def test_a_legal_status_not_as_in_last_years_return_is_rule_503b(tmp_path):
    returns_load(tmp_path, legal_status_2024="C2")
    # Oversight holds the later return's legal status: its own 2023-24 export says C2 too.
    assert Episode.objects.get().legal_status == "C2"
    checks = data_quality_check(year=2024, returns=(ReturnName.SSDA903,))
    assert checks[ReturnName.SSDA903].outcome == Outcome.CHECKED
    [issue] = ssda903_issues(rule=LEGAL_STATUS_NOT_AS_LAST_YEAR)
    assert (issue.child_ref, issue.year, issue.table) == ("C1", 2024, "Episodes")
    assert issue.description == (
        "The legal status in the first episode does not match open episode at end of last year."
    )
    assert issue.values == "LS C2"


def test_the_same_legal_status_in_both_returns_is_no_503b(tmp_path):
    returns_load(tmp_path, legal_status_2024="C1")
    data_quality_check(year=2024, returns=(ReturnName.SSDA903,))
    assert not ssda903_issues(rule=LEGAL_STATUS_NOT_AS_LAST_YEAR)


def test_every_year_loaded_with_the_year_before_is_checked_after_a_load(tmp_path, monkeypatch):
    returns_load(tmp_path)
    assert years_with_previous() == [2024]
    assert years_with_previous({2019, 2021, 2022, 2023}) == [2023, 2022]
    asked = []
    from returns import tasks

    monkeypatch.setattr(
        tasks.data_quality_check_task,
        "apply_async",
        lambda kwargs, retry: asked.append(kwargs["year"]),
    )
    assert data_quality_dispatch()
    assert 2024 in asked and len(asked) == len(set(asked))


def test_oversights_own_rule_is_kept_up_when_the_dfe_rules_are_not_installed(tmp_path, monkeypatch):
    returns_load(tmp_path)
    issues_replace(
        return_name=ReturnName.SSDA903,
        year=2024,
        result=RulesResult(Outcome.CHECKED, "", [Finding("C1", "440", "A DfE rule")]),
    )
    monkeypatch.setitem(sys.modules, "lac_validator.lac_validator", None)
    # The 2024-25 return leaves C1 out: the year-to-year finding is made all the same.
    again = return_write(
        tmp_path / "again",
        Header=[header(child="C9")],
        Episodes=[episode(child="C9", decom="01/06/2024")],
    )
    returns_import(directories=[again], year=2024)
    [check] = data_quality_check(year=2024, returns=(ReturnName.SSDA903,)).values()
    assert check.outcome == Outcome.NOT_INSTALLED
    assert sorted(i.rule for i in ssda903_issues(year=2024)) == ["440", CONTINUITY_RULE]
    assert check.issue_count == 2


# Every year loaded is checked against the one before, nightly and by the command ------------


def three_years_load(tmp_path):
    """C1 in care from May 2022: an interim care order (C1) in the 2022-23 return, which the
    2023-24 and 2024-25 returns give as a full care order (C2)."""
    returns_import(
        directories=[
            return_write(
                tmp_path / label,
                Header=[header()],
                Episodes=[episode(decom="01/05/2022", LS=status)],
            )
            for label, status in (("2022-23", "C1"), ("2023-24", "C2"), ("2024-25", "C2"))
        ]
    )


@pytest.fixture
def november_2025(settings, time_machine):
    """The year in progress is 2025-26 (the only live year); no CIN validator."""
    time_machine.move_to(dt.datetime(2025, 11, 3, 9, tzinfo=dt.UTC), tick=False)
    settings.OVERSIGHT_CIN_VALIDATOR_PYTHON = "/nowhere/bin/python"


def test_the_years_checked_are_the_live_ones_and_every_year_loaded():
    november = dt.date(2025, 11, 3)
    assert years_checked(november, loaded={2022, 2023, 2024}) == [2025, 2024, 2023, 2022]
    assert years_checked(dt.date(2025, 6, 3), loaded=set()) == [2025, 2024]
    assert years_checked(november, loaded={2025}) == [2025]


def test_the_nightly_check_runs_the_dfe_rules_on_every_year_against_the_one_before(
    tmp_path, november_2025
):
    three_years_load(tmp_path)
    from returns import tasks

    assert tasks.data_quality_check_task() == 4
    checked = DataQualityCheck.objects.filter(return_name=ReturnName.SSDA903)
    assert sorted(checked.values_list("year", flat=True)) == [2022, 2023, 2024, 2025]
    # Only 2023-24 gives a legal status other than the one open at the end of the year before.
    [issue] = ssda903_issues(rule=LEGAL_STATUS_NOT_AS_LAST_YEAR)
    assert (issue.child_ref, issue.year, issue.values) == ("C1", 2023, "LS C2")


def test_the_command_without_a_year_checks_every_year_loaded(tmp_path, november_2025, capsys):
    three_years_load(tmp_path)
    call_command("check_data_quality")
    out = capsys.readouterr().out
    reported = [line.split(":")[0] for line in out.splitlines() if line.startswith("SSDA903")]
    years = ("2025-26", "2024-25", "2023-24", "2022-23")
    assert reported == [f"SSDA903 {label}" for label in years]
    assert ssda903_issues(rule=LEGAL_STATUS_NOT_AS_LAST_YEAR, year=2023)


# DfE rule 706 (2026-27 on): a deprivation of liberty in force goes on the next year ---------


def dolo_years_load(tmp_path, *, dolo_2027: list[dict[str, str]], name="2027-28"):
    """C1 in care (K2) from May 2026, deprived of liberty from June 2026 with no end in the
    2026-27 return; the 2027-28 return gives `dolo_2027`."""
    dolo = {"CHILD": "C1", "DOB": "01/06/2015", "DOLO_START": "01/06/2026", "DOLO_END": ""}
    directories = [
        return_write(
            tmp_path / "2026-27",
            Header=[header()],
            Episodes=[episode(decom="01/05/2026", PLACE="K2")],
            DoLo=[dolo],
        ),
        return_write(
            tmp_path / name,
            Header=[header()],
            Episodes=[episode(decom="01/05/2026", PLACE="K2")],
            DoLo=[dolo | row for row in dolo_2027],
        ),
    ]
    returns_import(directories=directories)


def test_a_deprivation_of_liberty_in_force_that_the_next_return_leaves_out_is_rule_706(tmp_path):
    dolo_years_load(tmp_path, dolo_2027=[{"DOLO_START": "02/06/2026"}])
    [issue] = ssda903_issues(rule=DOLO_CONTINUITY_RULE)
    assert (issue.child_ref, issue.year, issue.table, issue.values) == (
        "C1",
        2027,
        "DoLo",
        "DOLO_START 01/06/2026",
    )
    assert issue.description == DOLO_NOT_CONTINUED.format(
        child="C1", started="1 June 2026", end=2027, last="2026-27", year="2027-28"
    )
    # The 2027-28 return loaded again, going on with it: the finding is gone.
    again = return_write(
        tmp_path / "again" / "2027-28",
        Header=[header()],
        Episodes=[episode(decom="01/05/2026", PLACE="K2")],
        DoLo=[{"CHILD": "C1", "DOB": "01/06/2015", "DOLO_START": "01/06/2026"}],
    )
    returns_import(directories=[again])
    assert not ssda903_issues(rule=DOLO_CONTINUITY_RULE)


def test_rule_706_is_oversights_finding_once_whatever_the_dfe_validator_says(tmp_path, monkeypatch):
    dolo_years_load(tmp_path, dolo_2027=[{"DOLO_START": "02/06/2026"}])
    from returns import data_quality

    monkeypatch.setattr(
        data_quality,
        "ssda903_rules",
        lambda year: RulesResult(Outcome.CHECKED, "", [Finding("C1", "706", "The DfE's words")]),
    )
    data_quality_check(year=2027, returns=(ReturnName.SSDA903,))
    [issue] = ssda903_issues(rule=DOLO_CONTINUITY_RULE)
    assert issue.description.endswith("(DfE rule 706)")
