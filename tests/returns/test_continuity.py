"""An episode open at the end of one year's SSDA903 return goes on in the next year's.

When the next year's return is loaded and is silent about it, that is a data-quality
finding for the later year (on the data-quality page and the child's record), and the
figures and deadlines follow the later return: the episode is kept as recorded, but the
period of care ends on the 1 April the silence begins (returns.continuity).
"""

import csv
import datetime as dt

import pytest
from django.urls import reverse

from core.dates import year_end
from iro.models import Child
from returns.continuity import Break, continuity_breaks, unreturned_from
from returns.data_quality import (
    CHILD_NOT_IN_RETURN,
    CONTINUITY_RULE,
    EPISODE_NOT_CONTINUED,
    data_quality_section,
)
from returns.models import DataQualityIssue, ReturnName
from returns.ssda903.exporter import return_export
from returns.ssda903.importer import returns_import
from reviews.figures import looked_after
from reviews.models import Episode, PeriodOfCare
from reviews.selectors import open_deadlines
from reviews.services import lac_review_book
from tests.returns.ssda903 import episode, header, return_write, review

pytestmark = pytest.mark.django_db

OPEN_AT_END_OF_2023 = ("C1", "C2", "C3")


def return_2023(tmp_path):
    """2023-24: three children in care since May 2023, still in care at 31 March 2024."""
    return return_write(
        tmp_path / "2023-24",
        Header=[header(child=c) for c in OPEN_AT_END_OF_2023],
        Episodes=[episode(child=c, decom="01/05/2023") for c in OPEN_AT_END_OF_2023],
        Reviews=[review(child=c, date="20/05/2023") for c in OPEN_AT_END_OF_2023],
    )


def return_2024(tmp_path, children=("C2", "C3"), name="2024-25"):
    """2024-25: the episodes go on for the children given; C1 (a care leaver who died, say)
    is left out unless given."""
    return return_write(
        tmp_path / name,
        Header=[header(child=c) for c in children],
        Episodes=[episode(child=c, decom="01/05/2023") for c in children],
        Reviews=[review(child=c, date="10/11/2024") for c in children],
    )


def continuity_issues(**filters) -> list[DataQualityIssue]:
    return list(
        DataQualityIssue.objects.filter(
            return_name=ReturnName.SSDA903, rule=CONTINUITY_RULE, **filters
        ).order_by("year", "child_ref")
    )


# The rule itself -------------------------------------------------------------------------


def test_an_open_episode_the_next_return_does_not_go_on_with_is_a_break():
    may = dt.date(2023, 5, 1)
    breaks = continuity_breaks(
        year=2024,
        open_last_year={"C1": [may], "C2": [may], "C3": [may]},
        starts_this_year={"C2": [may], "C3": [dt.date(2024, 6, 1)]},
    )
    assert breaks == [
        Break(child_ref="C1", started_on=may, year=2024, child_in_year=False),
        Break(child_ref="C3", started_on=may, year=2024, child_in_year=True),
    ]
    assert breaks[0].last_year == 2023


def test_an_episode_last_listed_in_a_return_ends_for_the_figures_when_the_next_is_loaded():
    assert unreturned_from(return_year=2023, loaded={2023, 2024}) == dt.date(2024, 4, 1)
    assert unreturned_from(return_year=2023, loaded={2022, 2023}) is None
    assert unreturned_from(return_year=None, loaded={2023, 2024}) is None


# After the returns are loaded ------------------------------------------------------------


def test_a_child_open_at_the_end_of_one_return_and_absent_from_the_next_is_a_finding(tmp_path):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    [issue] = continuity_issues()
    child = Child.objects.get(child_id="C1")
    assert (issue.child, issue.child_ref, issue.year) == (child, "C1", 2024)
    assert issue.description == CHILD_NOT_IN_RETURN.format(
        child="C1", started="1 May 2023", end=2024, last="2023-24", year="2024-25"
    )
    assert issue.description == (
        "The episode of child C1 that began on 1 May 2023 was open at 31 March 2024 in the "
        "2023-24 return, but child C1 is not in the 2024-25 return"
    )
    assert (issue.table, issue.fields, issue.values) == ("Episodes", ["DECOM"], "DECOM 01/05/2023")


def test_the_finding_is_on_the_childs_record_years_later(tmp_path):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    child = Child.objects.get(child_id="C1")
    section = data_quality_section(child=child, as_of=dt.date(2026, 11, 26))
    assert section is not None
    assert [i.rule for i in section.context["issues"]] == [CONTINUITY_RULE]
    assert (
        data_quality_section(child=Child.objects.get(child_id="C2"), as_of=dt.date.today()) is None
    )


def test_the_finding_is_on_the_childs_page(tmp_path, client, head_of_service):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    client.force_login(head_of_service)
    page = client.get(reverse("children:child_detail", args=["C1"]))
    assert page.status_code == 200
    assert "but child C1 is not in the 2024-25 return" in page.content.decode()


def test_the_finding_is_on_the_data_quality_page_for_the_later_year(
    tmp_path, client, business_support
):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    client.force_login(business_support)
    page = client.get(reverse("data_quality:list"), {"year": "2024"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "SSDA903 rule Continuity" in text
    assert "but child C1 is not in the 2024-25 return" in text
    # The year is offered though the DfE's rules have not run on it.
    assert '<option value="2024" selected>2024-25</option>' in text


def test_a_child_whose_next_return_starts_a_different_episode_is_a_finding(tmp_path):
    later = return_write(
        tmp_path / "2024-25",
        Header=[header(child=c) for c in OPEN_AT_END_OF_2023],
        Episodes=[episode(child=c, decom="01/05/2023") for c in ("C2", "C3")]
        + [episode(child="C1", decom="01/06/2024")],
    )
    returns_import(directories=[return_2023(tmp_path), later])
    [issue] = continuity_issues()
    assert issue.child_ref == "C1"
    assert issue.description == EPISODE_NOT_CONTINUED.format(
        child="C1", started="1 May 2023", end=2024, last="2023-24", year="2024-25"
    )


def test_the_years_may_be_loaded_in_either_order(tmp_path):
    returns_import(directories=[return_2024(tmp_path)])
    assert not continuity_issues()
    returns_import(directories=[return_2023(tmp_path)])
    assert [(i.child_ref, i.year) for i in continuity_issues()] == [("C1", 2024)]


def test_loading_the_later_year_again_with_the_child_in_it_clears_the_finding(tmp_path):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    assert continuity_issues()
    corrected = return_2024(tmp_path, children=OPEN_AT_END_OF_2023, name="2024-25 corrected")
    returns_import(directories=[corrected], year=2024)
    assert not continuity_issues()
    c1 = Episode.objects.get(child__child_id="C1")
    assert (c1.return_year, c1.is_unreturned) == (2024, False)
    assert PeriodOfCare.objects.get(child__child_id="C1").ended_on is None


def test_an_episode_ended_before_31_march_is_no_finding(tmp_path):
    earlier = return_write(
        tmp_path / "2023-24",
        Header=[header(child="C1")],
        Episodes=[episode(child="C1", decom="01/05/2023", dec="01/02/2024", rec="E11")],
    )
    returns_import(directories=[earlier, return_2024(tmp_path)])
    assert not continuity_issues()


# The figures follow the latest return ---------------------------------------------------


def test_the_count_in_care_at_31_march_is_that_years_returns_count(tmp_path):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    # The 2023-24 return has three children in care at 31 March 2024, 2024-25 two at 2025.
    assert looked_after(year_end(2023)).count() == 3
    assert looked_after(year_end(2024)).count() == 2
    assert looked_after(dt.date(2024, 4, 1)).count() == 2


def test_no_review_is_overdue_for_a_child_the_later_return_leaves_out(tmp_path):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    due = {d.child_id: d.due for d in open_deadlines()}
    assert set(due) == {"C2", "C3"}
    # Without the 2024-25 return, C1's next review was due (and long overdue) too.
    returns_import(directories=[return_2023(tmp_path / "alone")])
    assert "C1" not in {d.child_id for d in open_deadlines()}


def test_the_recorded_episode_is_kept_and_the_change_is_in_its_history(tmp_path):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    c1 = Episode.objects.get(child__child_id="C1")
    assert (c1.ended_on, c1.reason_ceased, c1.return_year) == (None, "", 2023)
    assert (c1.unreturned_from, c1.is_unreturned) == (dt.date(2024, 4, 1), True)
    assert PeriodOfCare.objects.get(child__child_id="C1").ended_on == dt.date(2024, 4, 1)
    latest = c1.history.first()
    assert latest.unreturned_from == dt.date(2024, 4, 1)
    assert "silent" in latest.history_change_reason


def test_a_child_with_a_review_booked_after_the_silence_begins_stays_in_care(tmp_path):
    returns_import(directories=[return_2023(tmp_path)])
    child = Child.objects.get(child_id="C1")
    lac_review_book(
        child=child,
        scheduled_for=dt.datetime(2024, 5, 15, 10, 0, tzinfo=dt.UTC),
        venue="Town hall",
        chair=None,
    )
    returns_import(directories=[return_2024(tmp_path)])
    # Oversight's own records say C1 is still looked after: the return is to be put right.
    assert [i.child_ref for i in continuity_issues()] == ["C1"]
    assert Episode.objects.get(child=child).unreturned_from is None
    assert PeriodOfCare.objects.get(child=child).ended_on is None


def test_an_episode_a_still_later_return_lists_again_is_not_ended(tmp_path):
    """2024-25 leaves C1 out, 2025-26 has C1's episode going on: C1 was in care all along,
    and only 2024-25 is to be put right."""
    later = return_write(
        tmp_path / "2025-26",
        Header=[header(child=c) for c in OPEN_AT_END_OF_2023],
        Episodes=[episode(child=c, decom="01/05/2023") for c in OPEN_AT_END_OF_2023],
    )
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path), later])
    assert [(i.child_ref, i.year) for i in continuity_issues()] == [("C1", 2024)]
    c1 = Episode.objects.get(child__child_id="C1")
    assert (c1.return_year, c1.is_unreturned) == (2025, False)
    assert looked_after(year_end(2024)).count() == 3


def test_oversights_own_export_of_the_later_year_leaves_out_the_child_its_return_left_out(
    tmp_path,
):
    returns_import(directories=[return_2023(tmp_path), return_2024(tmp_path)])
    exported = tmp_path / "exported"
    return_export(year=2024, directory=exported)
    children = {row["CHILD"] for row in csv.DictReader((exported / "episodes.csv").open())}
    assert children == {"C2", "C3"}
    return_export(year=2023, directory=tmp_path / "exported-2023")
    earlier = (tmp_path / "exported-2023" / "episodes.csv").open()
    assert {row["CHILD"] for row in csv.DictReader(earlier)} == set(OPEN_AT_END_OF_2023)
