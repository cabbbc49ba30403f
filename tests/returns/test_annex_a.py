"""Ofsted Annex A lists 5, 7 and 8 as at a date, with the columns Ofsted names."""

import csv
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    Section47Enquiry,
)
from returns.annex_a import LIST_5_COLUMNS, LIST_7_COLUMNS, LIST_8_COLUMNS, annex_a_list
from reviews.models import Episode, IROContact, LookedAfterReview, PeriodOfCare
from tests.factories import ChildFactory, IROFactory

D = dt.date
AS_OF = D(2025, 3, 31)
pytestmark = pytest.mark.django_db


def row_of(annex, child_id):
    rows = [dict(zip(annex.columns, row, strict=True)) for row in annex.rows]
    return [r for r in rows if r["Child Unique ID"] == child_id]


def held(kind, day, child, *, section47=None, plan=None, outcome=""):
    conference = ChildProtectionConference.objects.create(kind=kind, status="held", held_on=day)
    return ConferenceChild.objects.create(
        conference=conference, child=child, section47=section47, plan=plan, outcome=outcome
    )


def test_list_5_has_one_row_per_enquiry_in_the_six_months_before_the_date():
    child = ChildFactory(child_id="A1", sex="F", ethnicity="MWBA", date_of_birth=D(2015, 6, 1))
    earlier = Section47Enquiry.objects.create(child=child, strategy_discussion_on=D(2024, 6, 3))
    held("initial", D(2024, 6, 20), child, section47=earlier, outcome="no_plan")
    enquiry = Section47Enquiry.objects.create(child=child, strategy_discussion_on=D(2024, 11, 4))
    plan = ChildProtectionPlan.objects.create(
        child=child, started_on=D(2024, 11, 22), initial_category="EMO", latest_category="EMO"
    )
    held("initial", D(2024, 11, 22), child, section47=enquiry, plan=plan, outcome="plan_started")
    other = ChildFactory(child_id="B2", sex="M", ethnicity="NOBT", disability=True)
    Section47Enquiry.objects.create(
        child=other, strategy_discussion_on=D(2024, 9, 30), icpc_not_required=True
    )
    Section47Enquiry.objects.create(child=other, strategy_discussion_on=D(2025, 4, 1))

    annex = annex_a_list(number=5, as_of=AS_OF)

    assert annex.columns == LIST_5_COLUMNS
    assert annex.rows == [
        ["A1", "b) Female", "g) MWBA", D(2015, 6, 1), 9, "b) No", D(2024, 11, 4), "b) No",
         D(2024, 11, 22), "a) Yes", 2, 2, None, None],
        ["B2", "a) Male", "t) NOBT", D(2015, 6, 1), 9, "a) Yes", D(2024, 9, 30), "a) Yes",
         None, None, 1, 0, None, None],
    ]  # fmt: skip


def test_list_7_has_plans_open_at_the_date_and_those_ended_in_the_six_months_before():
    open_child = ChildFactory(child_id="C1", date_of_birth=D(2020, 4, 1))
    plan = ChildProtectionPlan.objects.create(
        child=open_child,
        started_on=D(2024, 7, 1),
        initial_category="NEG",
        latest_category="MUL",
        previous_plans=1,
    )
    held("review", D(2024, 9, 30), open_child, plan=plan)
    held("review", D(2025, 3, 20), open_child, plan=plan)
    held("review", D(2025, 4, 2), open_child, plan=plan)  # after the date
    Episode.objects.create(
        child=open_child,
        started_on=D(2024, 12, 1),
        ended_on=D(2024, 12, 5),
        reason_new_episode="S",
        legal_status="L2",
        category_of_need="N1",
        placement="U6",
        reason_ceased="E4A",
    )
    ended_child = ChildFactory(child_id="C2")
    ChildProtectionPlan.objects.create(
        child=ended_child,
        started_on=D(2023, 5, 1),
        ended_on=D(2024, 12, 2),
        initial_category="PHY",
        latest_category="PHY",
    )
    long_ago = ChildFactory(child_id="C3")
    ChildProtectionPlan.objects.create(
        child=long_ago,
        started_on=D(2023, 5, 1),
        ended_on=D(2024, 9, 29),
        initial_category="SAB",
        latest_category="SAB",
    )
    ChildProtectionPlan.objects.create(
        child=ChildFactory(child_id="C4"),
        started_on=D(2025, 4, 1),
        initial_category="NEG",
        latest_category="NEG",
    )

    annex = annex_a_list(number=7, as_of=AS_OF)

    assert annex.columns == LIST_7_COLUMNS
    assert [r[0] for r in annex.rows] == ["C1", "C2"]
    [current] = row_of(annex, "C1")
    assert current["Child Protection Plan Start Date"] == D(2024, 7, 1)
    assert current["Initial Category of Abuse"] == "a) Neglect"
    assert current["Latest Category of Abuse"] == "e) Multiple/not recommended"
    assert current["Date of latest review conference"] == D(2025, 3, 20)
    assert current["Child Protection Plan End Date"] is None
    assert current[LIST_7_COLUMNS[13]] == "Y"
    assert current["Number of Previous Child Protection Plans"] == 1
    assert current["Date of the Last Statutory Visit"] is None  # not held by Oversight
    [ended] = row_of(annex, "C2")
    assert ended["Child Protection Plan End Date"] == D(2024, 12, 2)
    assert ended["Initial Category of Abuse"] == "b) Physical abuse"
    assert ended[LIST_7_COLUMNS[13]] is None  # not known, so not "N"


def episode(child, period, start, end, rne, ls, place, rec=""):
    return Episode.objects.create(
        child=child,
        period=period,
        started_on=start,
        ended_on=end,
        reason_new_episode=rne,
        legal_status=ls,
        category_of_need="N1" if rne == "S" else "N4",
        placement=place,
        placement_provider="PR1",
        placement_postcode="AB1 2CD",
        reason_ceased=rec,
    )


def test_list_8_has_children_looked_after_at_the_date_and_those_who_ceased_before():
    iro = IROFactory()
    child = ChildFactory(child_id="L1", date_of_birth=D(2012, 1, 15))
    period = PeriodOfCare.objects.create(
        child=child, started_on=D(2024, 2, 1), first_recorded_on=D(2024, 2, 1)
    )
    episode(child, period, D(2024, 2, 1), D(2024, 5, 1), "S", "C1", "U4", "X1")
    episode(child, period, D(2024, 5, 1), D(2024, 10, 7), "L", "C2", "U4", "X1")
    episode(child, period, D(2024, 10, 7), None, "P", "C2", "U6")
    for day, plan in [(D(2024, 2, 28), ""), (D(2024, 5, 20), "f"), (D(2024, 11, 18), "")]:
        LookedAfterReview.objects.create(
            child=child, period=period, status="held", held_on=day,
            participation_code="PN1", permanence_plan=plan,
        )  # fmt: skip
    IROContact.objects.create(child=child, iro=iro, occurred_on=D(2025, 1, 9), kind="visit")
    IROContact.objects.create(child=child, iro=iro, occurred_on=D(2025, 4, 9), kind="visit")

    home = ChildFactory(child_id="L2")
    ended = PeriodOfCare.objects.create(
        child=home, started_on=D(2023, 6, 1), first_recorded_on=D(2023, 6, 1),
        ended_on=D(2025, 1, 10),
    )  # fmt: skip
    episode(home, ended, D(2023, 6, 1), D(2025, 1, 10), "S", "V2", "U6", "E4A")
    breaks = ChildFactory(child_id="L3")
    PeriodOfCare.objects.create(
        child=breaks, started_on=D(2024, 1, 1), first_recorded_on=D(2024, 1, 1),
        is_short_breaks=True,
    )  # fmt: skip
    gone = ChildFactory(child_id="L4")
    PeriodOfCare.objects.create(
        child=gone, started_on=D(2023, 1, 1), first_recorded_on=D(2023, 1, 1),
        ended_on=D(2024, 9, 1),
    )  # fmt: skip

    annex = annex_a_list(number=8, as_of=AS_OF)

    assert annex.columns == LIST_8_COLUMNS
    assert [r[0] for r in annex.rows] == ["L1", "L2"]
    [looked_after] = row_of(annex, "L1")
    assert looked_after["Age of Child (Years)"] == 13
    assert looked_after["Date Started to be Looked After"] == D(2024, 2, 1)
    assert looked_after["Child's Category of Need"] == "N1: abuse or neglect"
    assert looked_after["Start date of current legal status"] == D(2024, 5, 1)
    assert looked_after["Child's Legal Status"] == "C2: full care order"
    assert looked_after["Date of Latest Statutory Review"] == D(2024, 11, 18)
    assert looked_after["What is the permanence plan for this child?"] == "f) Long-term fostering"
    assert looked_after["Date of Last IRO Visit / Contact to the Child"] == D(2025, 1, 9)
    assert looked_after["Number of Placements in the Last 12 months"] == 2
    assert looked_after["Start Date of Most Recent Placement"] == D(2024, 10, 7)
    assert looked_after["Placement Type"] == "U6: foster placement with other carer, other"
    assert looked_after["Placement Provider"] == "PR1: own local authority"
    assert looked_after["Date Ceased to be Looked After"] is None
    assert looked_after[LIST_8_COLUMNS[9]] == "N"
    assert looked_after["Date of Last Health Assessment"] is None  # not held by Oversight
    [ceased] = row_of(annex, "L2")
    assert ceased["Date Ceased to be Looked After"] == D(2025, 1, 10)
    assert ceased["Reason Ceased to be Looked After"].startswith("E4A: returned home")


@pytest.mark.parametrize("number", [5, 7, 8])
def test_each_list_is_written_as_csv_and_as_excel(tmp_path, number):
    child = ChildFactory(child_id="X1")
    Section47Enquiry.objects.create(child=child, strategy_discussion_on=D(2025, 1, 6))
    ChildProtectionPlan.objects.create(
        child=child, started_on=D(2025, 1, 27), initial_category="NEG", latest_category="NEG"
    )
    period = PeriodOfCare.objects.create(
        child=child, started_on=D(2025, 2, 3), first_recorded_on=D(2025, 2, 3)
    )
    episode(child, period, D(2025, 2, 3), None, "S", "C1", "U6")

    csv_path, xlsx_path = tmp_path / "list.csv", tmp_path / "list.xlsx"
    out = StringIO()
    for path, fmt in [(csv_path, "csv"), (xlsx_path, "xlsx")]:
        call_command(
            "export_annex_a", "--as-of", "2025-03-31", "--list", str(number), "--format", fmt,
            str(path), stdout=out,
        )  # fmt: skip
    assert f"as at 31 March 2025: 1 row to {csv_path}" in out.getvalue()

    rows = list(csv.reader(csv_path.read_text().splitlines()))
    columns = {5: LIST_5_COLUMNS, 7: LIST_7_COLUMNS, 8: LIST_8_COLUMNS}[number]
    assert rows[0] == columns
    assert rows[1][:4] == ["X1", "b) Female", "a) WBRI", "01/06/2015"]

    sheet = load_workbook(xlsx_path).active
    assert sheet.title == f"List {number}"
    assert [c.value for c in sheet[1]] == columns
    assert sheet["A2"].value == "X1"
    assert sheet["D2"].value.date() == D(2015, 6, 1)
    assert sheet["D2"].number_format == "DD/MM/YYYY"
