"""The DfE's year-to-year SSDA903 rules: each year checked against the return loaded for
the year before, as the DfE checks a council's return against the one it sent last year.

Oversight's own export of both years comes from the same records, so it always agrees
with itself; the return loaded for last year is what was sent.
"""

import sys

import pytest

from returns.data_quality import (
    CONTINUITY_RULE,
    Finding,
    RulesResult,
    data_quality_check,
    data_quality_dispatch,
    issues_replace,
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
