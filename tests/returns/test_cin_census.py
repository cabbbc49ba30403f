"""Loading and writing the CIN census (child protection parts).

Imports are idempotent and order-free (a later collection year wins), refuse a bad file
whole, and leave every due date recomputed under RULES.md pinned convention 5.
"""

import datetime as dt
import json
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iro.models import Child
from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    Section47Enquiry,
)
from protection.services import ChildOutcome, conference_book, conference_record_held
from protection.services import section47_start as start_enquiry
from returns.cin_census.exporter import cin_census_export
from tests.factories import ChildFactory
from tests.returns.census import (
    COUNCIL_A,
    census_xml,
    child_xml,
    cp_data,
    plan_xml,
    records,
    sample,
    section47_xml,
    wipe,
)

D = dt.date
pytestmark = pytest.mark.django_db


def load(*paths) -> str:
    out = StringIO()
    call_command("import_cin_census", *[str(p) for p in paths], stdout=out, verbosity=1)
    return out.getvalue()


def refused(*paths) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_cin_census", *[str(p) for p in paths], stderr=err, stdout=StringIO())
    return err.getvalue()


def write(tmp_path, name: str, xml: str):
    path = tmp_path / name
    path.write_text(xml)
    return path


# The sample council, three years


def test_three_years_in_any_order_and_twice_over_give_the_records_of_one_load_in_order():
    for year in (2022, 2023, 2024):
        load(sample(year))
    in_order = records()

    wipe()
    shuffled = [2022, 2023, 2024, 2022, 2023, 2024]
    random.Random(20250331).shuffle(shuffled)
    assert shuffled != sorted(shuffled)
    for year in shuffled:
        load(sample(year))

    assert records() == in_order


def test_after_loading_every_year_review_conferences_fall_due_as_the_council_expects():
    load(sample(2024), sample(2022), sample(2023))
    expected = json.loads((COUNCIL_A / "expected.json").read_text())
    snapshot = D(2025, 3, 31)
    on_a_plan = ChildProtectionPlan.objects.filter(started_on__lte=snapshot).exclude(
        ended_on__lte=snapshot
    )
    due = {
        p.child.child_id: p.next_review_due.isoformat() for p in on_a_plan.select_related("child")
    }
    assert due == expected["cp_next_review_conference_due"]
    # ... and the latest year writes back as it was returned.
    assert cp_data(cin_census_export(year=2024)) == cp_data(sample(2024).read_bytes())


def test_an_import_says_what_it_added_changed_and_left_alone_and_shows_progress(monkeypatch):
    first = load(sample(2024))
    assert "children                 468 added       0 changed       0 left alone" in first
    assert "of 468 children" not in first  # progress is for larger files

    from returns.management.commands import import_cin_census

    monkeypatch.setattr(import_cin_census, "PROGRESS_FROM", 100)
    again = load(sample(2024))
    assert "2024-25.xml: 250 of 468 children" in again
    assert "2024-25.xml: 468 of 468 children" in again
    assert "plans                      0 added       0 changed     258 left alone" in again
    assert "review conferences         0 added       0 changed     456 left alone" in again


# Hard cases, one at a time


def test_the_initial_conference_starts_the_plan_and_the_reviews_follow_it(tmp_path):
    xml = census_xml(
        child_xml(
            "C1",
            section47=section47_xml("2024-05-01", icpc="2024-05-21"),
            plans=plan_xml("2024-05-21", reviews=("2024-08-20", "2025-02-10")),
        )
    )
    load(write(tmp_path, "a.xml", xml))
    enquiry = Section47Enquiry.objects.get()
    assert (enquiry.icpc_due, enquiry.concluded_on, enquiry.return_year) == (
        D(2024, 5, 23),  # the early May bank holiday is skipped
        D(2024, 5, 21),
        2024,
    )
    initial = ConferenceChild.objects.get(conference__kind="initial")
    assert initial.section47 == enquiry
    assert initial.plan.started_on == D(2024, 5, 21)
    assert (initial.outcome, initial.due_on) == ("plan_started", D(2024, 5, 23))
    reviews = ConferenceChild.objects.filter(conference__kind="review").order_by(
        "conference__held_on"
    )
    assert [(r.conference.held_on, r.due_on, r.outcome) for r in reviews] == [
        (D(2024, 8, 20), D(2024, 8, 21), "plan_continued"),
        (D(2025, 2, 10), D(2025, 2, 20), "plan_continued"),
    ]
    plan = ChildProtectionPlan.objects.get()
    assert plan.next_review_due == D(2025, 8, 10)
    assert (
        plan.next_review_reason
        == "6 months after the previous review conference on 10 February 2025"
    )


def test_a_later_return_updates_an_earlier_one_whichever_is_loaded_first(tmp_path):
    earlier = write(
        tmp_path,
        "2023-24.xml",
        census_xml(
            child_xml(
                "C1",
                referral="2023-05-01",
                plans=plan_xml("2023-05-10", reviews=("2023-08-01",), latest="NEG"),
                sex="<GenderCurrent>2</GenderCurrent>",
            ),
            reference_date="2024-03-31",
        ),
    )
    later = write(
        tmp_path,
        "2024-25.xml",
        census_xml(
            child_xml(
                "C1",
                referral="2023-05-01",
                plans=plan_xml(
                    "2023-05-10",
                    end="2024-07-01",
                    reviews=("2023-08-01", "2024-01-30"),
                    latest="EMO",
                ),
            )
        ),
    )
    load(later)
    load(earlier)
    plan = ChildProtectionPlan.objects.get()
    assert (plan.ended_on, plan.latest_category, plan.return_year) == (D(2024, 7, 1), "EMO", 2024)
    assert plan.next_review_due is None
    assert ConferenceChild.objects.filter(plan=plan).count() == 2


def test_a_review_date_corrected_in_a_later_return_replaces_the_earlier_one(tmp_path):
    def census(reviews, reference_date):
        return census_xml(
            child_xml("C1", referral="2023-05-01", plans=plan_xml("2023-05-10", reviews=reviews)),
            reference_date=reference_date,
        )

    load(write(tmp_path, "a.xml", census(("2023-08-01",), "2024-03-31")))
    output = load(write(tmp_path, "b.xml", census(("2023-08-02", "2024-01-30"), "2025-03-31")))
    held = ConferenceChild.objects.filter(conference__kind="review")
    assert sorted(e.conference.held_on for e in held) == [D(2023, 8, 2), D(2024, 1, 30)]
    assert ChildProtectionConference.objects.count() == 2
    assert "1 removed" in output


def test_a_plan_left_open_by_an_older_return_ends_when_the_next_plan_starts(tmp_path):
    older = census_xml(
        child_xml("C1", referral="2022-05-01", plans=plan_xml("2022-05-10")),
        reference_date="2023-03-31",
    )
    newer = census_xml(child_xml("C1", plans=plan_xml("2024-06-03")))
    load(write(tmp_path, "2024-25.xml", newer))
    output = load(write(tmp_path, "2022-23.xml", older))
    first, second = ChildProtectionPlan.objects.order_by("started_on")
    assert (first.ended_on, second.ended_on) == (D(2024, 6, 3), None)
    assert "C1: the plan from 10 May 2022 is open in the latest return loaded" in output


def test_an_initial_conference_on_the_cin_episode_is_kept_without_an_enquiry(tmp_path):
    xml = census_xml(child_xml("C1", episode_icpc="2024-06-03", plans=plan_xml("2024-06-03")))
    load(write(tmp_path, "transfer.xml", xml))
    entry = ConferenceChild.objects.get(conference__kind="initial")
    assert (entry.section47, entry.plan.started_on, entry.outcome) == (
        None,
        D(2024, 6, 3),
        "plan_started",
    )
    assert cp_data(cin_census_export(year=2024))["C1"]["episode_icpcs"] == ["2024-06-03"]


def test_gender_codes_before_2024_25_and_sex_codes_after_are_both_read(tmp_path):
    older = census_xml(
        child_xml(
            "C1",
            referral="2023-05-01",
            sex="<GenderCurrent>1</GenderCurrent>",
            plans=plan_xml("2023-05-10"),
        ),
        reference_date="2024-03-31",
    )
    load(write(tmp_path, "a.xml", older))
    assert Child.objects.get().sex == "M"
    exported = cin_census_export(year=2023)
    assert b"<GenderCurrent>1</GenderCurrent>" in exported
    assert b"<Sex>" not in exported


def test_records_made_in_oversight_export_with_a_minimal_cin_episode(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    child = ChildFactory(child_id="N1", disability=True)
    start_enquiry(child=child, strategy_discussion_on=D(2024, 10, 1))
    conference = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=dt.datetime(2024, 10, 15, 10, 0, tzinfo=dt.UTC),
        venue="Civic Centre",
    )
    conference_record_held(
        conference=conference,
        held_on=D(2024, 10, 15),
        outcomes=[ChildOutcome(child, "plan_started", "PHY")],
    )
    exported = cin_census_export(year=2024, la_code="318")
    data = cp_data(exported)["N1"]
    assert data["enquiries"] == [("2024-10-01", "2024-10-15", "false")]
    assert data["plans"] == [("2024-10-15", None, "PHY", "PHY", "0", ())]
    assert data["disabilities"] == ["DDA"]
    assert b"<ReferralSource>10</ReferralSource>" in exported
    assert b"<CINreferralDate>2024-10-01</CINreferralDate>" in exported


def test_exporting_a_year_with_no_child_protection_activity_is_refused():
    with pytest.raises(CommandError, match="no child protection activity in 2020-2021"):
        call_command("export_cin_census", "--year", "2020", "--la-code", "318", "/dev/null")


# Bad files are refused whole


GOOD = child_xml(
    "C00072",
    section47=section47_xml("2024-05-01", icpc="2024-05-21"),
    plans=plan_xml("2024-05-21", reviews=("2024-08-20",)),
)


@pytest.mark.parametrize(
    ("broken", "line", "element", "message"),
    [
        (
            GOOD.replace("<CPPstartDate>2024-05-21</CPPstartDate>", ""),
            54,
            "CPPstartDate",
            "is missing from ChildProtectionPlans",
        ),
        (
            GOOD.replace("<CPPreviewDate>2024-08-20", "<CPPreviewDate>2024-08-32"),
            54,
            "CPPreviewDate",
            "'2024-08-32' is not a date (YYYY-MM-DD)",
        ),
        (
            GOOD.replace("<InitialCategoryOfAbuse>NEG", "<InitialCategoryOfAbuse>NGL"),
            54,
            "InitialCategoryOfAbuse",
            "'NGL' is not a recognised category of abuse",
        ),
        (
            GOOD.replace("<Ethnicity>WBRI", "<Ethnicity>WXYZ"),
            44,
            "Ethnicity",
            "'WXYZ' is not a recognised ethnicity code",
        ),
        (
            GOOD.replace(
                "<ReferralNFA>false</ReferralNFA>",
                "<ReferralNFA>false</ReferralNFA>\n" + plan_xml("2024-06-01"),
            ),
            54,
            "CPPstartDate",
            "the plan from 1 June 2024 overlaps the plan from 21 May 2024 (line 55)",
        ),
    ],
    ids=["missing element", "malformed date", "unknown code", "unknown ethnicity", "overlap"],
)
def test_a_broken_file_is_refused_with_the_place_of_the_problem_and_nothing_changes(
    tmp_path, broken, line, element, message
):
    load(write(tmp_path, "good.xml", census_xml(GOOD)))
    before = records()
    bad = write(tmp_path, "bad.xml", census_xml(child_xml("C00099") + "\n" + broken))
    errors = refused(bad)
    assert errors.strip() == f"{bad}, line {line}, child C00072, element {element}: {message}"
    assert records() == before


def test_a_plan_overlapping_one_already_recorded_is_refused_and_nothing_changes(tmp_path):
    load(write(tmp_path, "good.xml", census_xml(GOOD)))
    before = records()
    clash = census_xml(
        child_xml("C00099") + child_xml("C00072", plans=plan_xml("2024-05-20", end="2024-06-30"))
    )
    bad = write(tmp_path, "clash.xml", clash)
    errors = refused(bad)
    assert (
        f"{bad}, line 53, child C00072, element CPPstartDate: the plan from 20 May 2024 "
        "overlaps the plan from 21 May 2024 already recorded for this child"
    ) == errors.strip()
    assert records() == before


def test_one_bad_file_among_several_saves_none_of_them(tmp_path):
    good = write(tmp_path, "good.xml", census_xml(GOOD))
    bad = write(tmp_path, "bad.xml", census_xml(GOOD.replace("2024-05-01</S47", "01/05/2024</S47")))
    errors = refused(good, bad)
    assert (
        f"{bad}, line 31, child C00072, element S47ActualStartDate: '01/05/2024' is not a date"
        in errors
    )
    assert not Child.objects.exists()


def test_a_file_that_is_not_xml_is_refused_with_its_line(tmp_path):
    bad = write(tmp_path, "bad.xml", census_xml(GOOD).replace("</Children>", "</Child>"))
    errors = refused(bad)
    assert f"{bad}, line 36, element XML: not well-formed XML" in errors
    assert not Child.objects.exists()
