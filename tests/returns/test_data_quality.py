"""The DfE's return rules run on Oversight's records: each child's issues kept and shown.

The SSDA903 rules run in-process (csc-validator-be-903, the `validators` extra) and the
CIN census rules in `.venv-validators` (make validators): like the returns' own tests,
these fail rather than skip when the validators are missing.
"""

import datetime as dt
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone

from iro.models import Child
from protection.services import ChildOutcome, conference_book, conference_record_held
from protection.services import section47_start as start_enquiry
from returns.data_quality import (
    NOT_INSTALLED,
    Finding,
    RulesResult,
    _cin_findings,
    _sex_codes_as_in,
    child_issues,
    data_quality_check,
    issues_replace,
    live_years,
)
from returns.models import DataQualityCheck, DataQualityIssue, IssueSeverity, ReturnName
from returns.ssda903.importer import returns_import
from reviews.models import LookedAfterReview
from tests.factories import ChildFactory
from tests.returns.ssda903 import csv_rows, csv_write, episode, header, return_write, review

pytestmark = pytest.mark.django_db
Outcome = DataQualityCheck.Outcome
PN0_OVER_FOUR = "440"


@pytest.fixture(autouse=True)
def council(settings):
    # The sample council's postcodes are in Richmond upon Thames.
    settings.OVERSIGHT_LOCAL_AUTHORITY = "E09000027"


def a_toddler_reviewed_as_under_four(tmp_path) -> Child:
    """A child born in June 2021, in care from May 2024, reviewed at nearly three (PN0)."""
    returns_import(
        directories=[
            return_write(
                tmp_path / "2024-25",
                Header=[header(dob="01/06/2021")],
                Episodes=[episode(decom="01/05/2024")],
                Reviews=[review(date="20/05/2024", code="PN0", dob="01/06/2021")],
            )
        ]
    )
    return Child.objects.get(child_id="C1")


def issues(return_name=ReturnName.SSDA903, **filters) -> list[DataQualityIssue]:
    return list(DataQualityIssue.objects.filter(return_name=return_name, **filters))


def test_a_pn0_review_of_a_child_over_four_is_an_ssda903_rule_440_issue_until_fixed(tmp_path):
    child = a_toddler_reviewed_as_under_four(tmp_path)
    checks = data_quality_check(year=2024, returns=(ReturnName.SSDA903,))
    assert checks[ReturnName.SSDA903].outcome == Outcome.CHECKED
    assert not issues(rule=PN0_OVER_FOUR)

    # The date of birth is corrected: the child was five at the review.
    Child.objects.filter(pk=child.pk).update(date_of_birth=dt.date(2019, 6, 1))
    data_quality_check(year=2024, returns=(ReturnName.SSDA903,))
    [issue] = issues(rule=PN0_OVER_FOUR)
    assert issue.child == child and issue.child_ref == "C1" and issue.year == 2024
    assert issue.description.startswith(
        "Participation method indicates child was under 4 years old at the time of the review"
    )
    assert issue.fields == ["DOB", "REVIEW", "REVIEW_CODE"]
    assert issue.table == "Reviews"
    assert issue.values == "DOB 01/06/2019, REVIEW 20/05/2024, REVIEW_CODE PN0"
    assert issue.severity == IssueSeverity.ERROR

    # The review's participation is corrected in Oversight: the issue goes.
    LookedAfterReview.objects.filter(child=child).update(participation_code="PN1")
    data_quality_check(year=2024, returns=(ReturnName.SSDA903,))
    assert not issues(rule=PN0_OVER_FOUR)


def test_last_years_sex_codes_are_compared_in_this_years_scheme(tmp_path):
    """1/2 became M/F in 2024-25; rule 202 would flag every child that year otherwise."""
    path = tmp_path / "header.csv"
    rows = [header(child="C1", sex="1"), header(child="C2", sex="2"), header(child="C3", sex="9")]
    csv_write(path, rows)
    _sex_codes_as_in(path, 2024)
    assert [r["SEX"] for r in csv_rows(path)] == ["M", "F", "U"]
    csv_write(path, rows)
    _sex_codes_as_in(path, 2023)
    assert [r["SEX"] for r in csv_rows(path)] == ["1", "2", ""]


def test_the_cin_census_rules_run_in_their_own_environment_and_queries_are_kept(time_machine):
    """A child with a plan and no UPN at school age: the DfE asks for a reason (8770Q)."""
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    child = ChildFactory(child_id="N1", date_of_birth=dt.date(2016, 3, 4), upn="")
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
    check = data_quality_check(year=2024, returns=(ReturnName.CIN,))[ReturnName.CIN]
    assert check.outcome == Outcome.CHECKED, check.message
    found = {i.rule: i for i in issues(ReturnName.CIN)}
    assert "8770Q" in found, found
    assert found["8770Q"].child == child
    assert found["8770Q"].severity == IssueSeverity.QUERY
    assert "UPN" in found["8770Q"].description
    assert all(i.severity == IssueSeverity.QUERY for i in found.values())


def test_a_year_without_child_protection_has_nothing_to_check_in_the_census():
    check = data_quality_check(year=2024, returns=(ReturnName.CIN,))[ReturnName.CIN]
    assert check.outcome == Outcome.CHECKED and check.issue_count == 0
    assert check.message == "There is no child protection activity in 2024-25 to check"


def test_validators_that_are_not_installed_are_recorded_plainly(settings, monkeypatch):
    settings.OVERSIGHT_CIN_VALIDATOR_PYTHON = "/nowhere/bin/python"
    monkeypatch.setitem(sys.modules, "lac_validator.lac_validator", None)  # import fails
    checks = data_quality_check(year=2024)
    assert {name: (c.outcome, c.message) for name, c in checks.items()} == {
        ReturnName.SSDA903: (Outcome.NOT_INSTALLED, NOT_INSTALLED[ReturnName.SSDA903]),
        ReturnName.CIN: (Outcome.NOT_INSTALLED, NOT_INSTALLED[ReturnName.CIN]),
    }
    assert NOT_INSTALLED[ReturnName.CIN] == (
        "The DfE rules for the CIN census are not installed on this server"
    )


# Keeping the findings ----------------------------------------------------------------------


def finding(child="C1", rule="440", values="REVIEW 20/05/2024") -> Finding:
    return Finding(child, rule, "A rule", ("REVIEW",), "Reviews", values)


def test_a_check_replaces_the_issues_of_its_return_and_year_only():
    child = ChildFactory(child_id="C1")
    issues_replace(
        return_name=ReturnName.SSDA903,
        year=2024,
        result=RulesResult(Outcome.CHECKED, "", [finding()]),
    )
    issues_replace(
        return_name=ReturnName.CIN, year=2024, result=RulesResult(Outcome.CHECKED, "", [finding()])
    )
    issues_replace(
        return_name=ReturnName.SSDA903,
        year=2024,
        result=RulesResult(Outcome.CHECKED, "", [finding(rule="101"), finding(child="X9")]),
    )
    assert sorted(
        DataQualityIssue.objects.values_list("return_name", "child_ref", "rule", "child")
    ) == [
        ("cin", "C1", "440", child.pk),
        ("ssda903", "C1", "101", child.pk),
        ("ssda903", "X9", "440", None),
    ]
    assert DataQualityCheck.objects.get(return_name=ReturnName.SSDA903, year=2024).issue_count == 2


def test_an_issue_found_again_keeps_when_it_was_first_found(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 1, 2, 30, tzinfo=dt.UTC), tick=False)
    result = RulesResult(Outcome.CHECKED, "", [finding()])
    issues_replace(return_name=ReturnName.SSDA903, year=2024, result=result)
    first = timezone.now()
    time_machine.move_to(dt.datetime(2025, 6, 2, 2, 30, tzinfo=dt.UTC), tick=False)
    result.findings.append(finding(values="REVIEW 01/07/2024"))
    issues_replace(return_name=ReturnName.SSDA903, year=2024, result=result)
    found = dict(DataQualityIssue.objects.values_list("values", "found_at"))
    assert found == {"REVIEW 20/05/2024": first, "REVIEW 01/07/2024": timezone.now()}


def test_a_check_that_could_not_run_leaves_the_last_findings():
    issues_replace(
        return_name=ReturnName.CIN, year=2024, result=RulesResult(Outcome.CHECKED, "", [finding()])
    )
    check = issues_replace(
        return_name=ReturnName.CIN, year=2024, result=RulesResult(Outcome.FAILED, "timed out")
    )
    assert (check.outcome, check.message, check.issue_count) == (Outcome.FAILED, "timed out", 1)
    assert DataQualityIssue.objects.count() == 1


def test_the_cin_validators_output_becomes_one_issue_per_child_and_rule():
    output = {
        "schema": ["/Message/Children/Child[1]/ChildIdentifiers/Sex: not an element of the set"],
        "errors": [
            {"rule": "4180", "message": "Sex is not valid", "child": "A1", "element": "Sex"},
            {"rule": "8840", "message": "Plan dates", "child": "A1", "element": "CPPstartDate"},
            {"rule": "8840", "message": "Plan dates", "child": "A1", "element": "CPPendDate"},
            {"rule": "8840", "message": "Plan dates", "child": "A1", "element": "CPPendDate"},
        ],
        "queries": [{"rule": "8770Q", "message": "UPN?", "child": "B2", "element": "nan"}],
    }
    assert _cin_findings(output) == [
        Finding("", "Schema", output["schema"][0]),
        Finding("A1", "4180", "Sex is not valid", ("Sex",)),
        Finding("A1", "8840", "Plan dates", ("CPPstartDate", "CPPendDate")),
        Finding("B2", "8770Q", "UPN?", (), severity=IssueSeverity.QUERY),
    ]


@pytest.mark.parametrize(
    ("day", "years"),
    [
        (dt.date(2026, 11, 26), [2026]),
        (dt.date(2027, 2, 1), [2026]),
        (dt.date(2027, 4, 1), [2027, 2026]),
        (dt.date(2027, 9, 30), [2027, 2026]),
        (dt.date(2027, 10, 1), [2027]),
    ],
)
def test_the_years_checked_are_the_one_in_progress_and_until_september_the_last(day, years):
    assert live_years(day) == years


def test_the_childs_page_lists_the_current_issues_only(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False)
    child = ChildFactory(child_id="C1")
    for year in (2025, 2026):
        issues_replace(
            return_name=ReturnName.SSDA903,
            year=year,
            result=RulesResult(Outcome.CHECKED, "", [finding(values=str(year))]),
        )
    assert [i.year for i in child_issues(child=child, as_of=dt.date(2026, 11, 26))] == [2026]


def test_the_command_reports_each_return(settings, monkeypatch, capsys):
    settings.OVERSIGHT_CIN_VALIDATOR_PYTHON = "/nowhere/bin/python"
    monkeypatch.setitem(sys.modules, "lac_validator.lac_validator", None)
    call_command("check_data_quality", "--year", "2024")
    out = capsys.readouterr().out
    assert "SSDA903 2024-25: the dfe rules are not installed" in out
    assert "The DfE rules for the CIN census are not installed on this server" in out


def _issues_of(children: int, year: int) -> None:
    DataQualityIssue.objects.bulk_create(
        DataQualityIssue(
            return_name=ReturnName.SSDA903,
            year=year,
            child_ref=f"DQ{n:04d}",
            rule=rule,
            description="A rule the record breaks",
            found_at=timezone.now(),
        )
        for n in range(children)
        for rule in ("440", "101")
    )


def test_the_data_quality_page_is_paged_by_child_in_the_database(client, head_of_service):
    year = live_years(timezone.localdate())[0]
    _issues_of(60, year)
    client.force_login(head_of_service)

    first = client.get("/data-quality/", {"year": year}).content.decode()
    second = client.get("/data-quality/", {"year": year, "page": 2}).content.decode()

    assert "DQ0049" in first and "DQ0050" not in first
    assert "DQ0050" in second and "DQ0059" in second and "DQ0049" not in second
    assert "120 issues" in first and "60 children" in first

    few = _queries_of(client, year)
    DataQualityIssue.objects.filter(year=year).delete()
    _issues_of(600, year)
    assert _queries_of(client, year) == few, "a page reads a page, however many issues"


def _queries_of(client, year) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/data-quality/", {"year": year}).status_code == 200
    return len(queries)
