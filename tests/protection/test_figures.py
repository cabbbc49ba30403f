"""The child protection figures (RULES.md §7, indicators 9-20): each selector counts what
its definition says, and its drill-down lists exactly the records it counted."""

import datetime as dt

import pytest

from protection import figures
from protection.models import ChildProtectionConference, ChildProtectionPlan, ConferenceChild
from protection.services import (
    ChildOutcome,
    conference_record_held,
    invitation_add,
    invitation_record_attendance,
    plan_record,
    section47_start,
)
from tests.factories import ChildFactory
from tests.protection.test_services import book, plan_from_initial_conference

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def test_a_child_is_on_a_plan_from_its_start_until_the_day_before_it_ends():
    plan_record(
        child=ChildFactory(),
        started_on=D(2024, 3, 31),
        ended_on=D(2025, 3, 31),
        initial_category="NEG",
    )
    assert figures.on_plans(D(2024, 3, 30)).count() == 0
    assert figures.on_plans(D(2024, 3, 31)).count() == 1
    assert figures.on_plans(D(2025, 3, 31)).count() == 0


def test_children_on_plans_are_counted_by_the_plans_initial_category():
    child = ChildFactory()
    plan_record(
        child=child, started_on=D(2024, 9, 2), initial_category="EMO", latest_category="NEG"
    )
    day = D(2025, 3, 31)
    assert figures.on_plans_with_initial_category(day, "EMO").count() == 1
    assert figures.on_plans_with_initial_category(day, "NEG").count() == 0
    assert list(figures.on_plans_with_initial_category(day, "EMO").children()) == [child]


def test_an_unborn_child_and_one_born_on_the_day_fall_in_different_bands():
    unborn = ChildFactory(date_of_birth=None, expected_date_of_birth=D(2025, 5, 1))
    born_on_the_day = ChildFactory(date_of_birth=D(2025, 3, 31))
    for child in (unborn, born_on_the_day):
        plan_record(child=child, started_on=D(2025, 2, 3), initial_category="NEG")
    day = D(2025, 3, 31)
    counts = {
        band: figures.on_plans_in_age_band(day, band).count() for band in figures.CP_AGE_BAND_KEYS
    }
    assert counts == {"unborn": 1, "under_5": 1, "5_to_10": 0, "11_to_15": 0, "16_and_over": 0}


def test_plans_started_and_ended_in_the_year():
    plan_record(
        child=ChildFactory(),
        started_on=D(2024, 3, 31),
        ended_on=D(2024, 4, 1),
        initial_category="NEG",
    )
    plan_record(child=ChildFactory(), started_on=D(2024, 4, 1), initial_category="NEG")
    assert figures.plans_started(2024).count() == 1
    assert figures.plans_ended(2024).count() == 1


def test_a_plan_is_second_or_subsequent_after_any_earlier_plan_on_record_or_counted_in_the_census():
    again, counted, first = ChildFactory(), ChildFactory(), ChildFactory()
    plan_record(
        child=again, started_on=D(2015, 1, 5), ended_on=D(2015, 9, 7), initial_category="NEG"
    )
    plan_record(child=again, started_on=D(2024, 6, 3), initial_category="NEG")
    plan_record(child=counted, started_on=D(2024, 6, 3), initial_category="NEG", previous_plans=2)
    plan_record(child=first, started_on=D(2024, 6, 3), initial_category="NEG")
    repeat = figures.plans_started_second_or_subsequent(2024)
    assert set(repeat.children()) == {again, counted}
    assert figures.plans_started_within_24_months_of_a_previous_plan(2024).count() == 0


@pytest.mark.parametrize(
    ("previous_end", "counts"),
    [(D(2022, 6, 3), True), (D(2022, 6, 2), False), (D(2024, 2, 29), True)],
)
def test_a_repeat_plan_within_2_years_of_the_last_one_ending_counts_on_the_anniversary(
    previous_end, counts
):
    child = ChildFactory()
    plan_record(
        child=child,
        started_on=previous_end - dt.timedelta(days=200),
        ended_on=previous_end,
        initial_category="NEG",
    )
    plan_record(child=child, started_on=D(2024, 6, 3), initial_category="NEG")
    assert figures.plans_started_within_24_months_of_a_previous_plan(2024).count() == int(counts)


@pytest.mark.parametrize(
    ("started", "ended", "counts"),
    [
        (D(2022, 6, 3), D(2024, 6, 3), True),
        (D(2022, 6, 4), D(2024, 6, 3), False),
        # 29 February plus 2 years is 28 February.
        (D(2020, 2, 29), D(2022, 2, 28), True),
        (D(2020, 2, 29), D(2022, 2, 27), False),
    ],
)
def test_a_plan_ending_on_its_second_anniversary_has_lasted_2_years(started, ended, counts):
    plan_record(child=ChildFactory(), started_on=started, ended_on=ended, initial_category="NEG")
    year = ended.year if ended.month >= 4 else ended.year - 1
    assert figures.plans_ended_after_2_years_or_more(year).count() == int(counts)


def test_an_initial_conference_on_its_15th_working_day_is_in_time_and_a_day_later_is_not():
    in_time, late = ChildFactory(), ChildFactory()
    plan_from_initial_conference(in_time, strategy_on=D(2025, 4, 1), held_on=D(2025, 4, 24))
    plan_from_initial_conference(late, strategy_on=D(2025, 4, 1), held_on=D(2025, 4, 25))
    assert figures.icpc_children(2025).count() == 2
    assert figures.icpc_with_duration(2025).count() == 2
    assert list(figures.icpc_within_15_working_days(2025).children()) == [in_time]


def test_transfer_ins_count_as_initial_conferences_but_not_in_their_timeliness():
    child = ChildFactory()
    conference = book("transfer_in", [child], transfer_notified_on=D(2025, 4, 1))
    conference_record_held(
        conference=conference,
        held_on=D(2025, 5, 20),
        outcomes=[ChildOutcome(child, "plan_started", "NEG")],
    )
    assert figures.icpc_children(2025).count() == 1
    assert figures.icpc_transfer_in_children(2025).count() == 1
    assert figures.icpc_with_duration(2025).count() == 0
    assert figures.conferences_held(2025, "transfer_in").count() == 1


def census_initial_conference(child, held_on, *, plan=None):
    """An initial conference as the CIN census importer keeps a CINdetails-level
    DateOfInitialCPC: held, led to by no section 47 enquiry."""
    conference = ChildProtectionConference.objects.create(
        kind="initial", status="held", held_on=held_on, return_year=2025
    )
    ConferenceChild.objects.create(
        conference=conference,
        child=child,
        plan=plan,
        outcome="plan_started" if plan else "no_plan",
    )


def test_an_initial_conference_with_no_enquiry_that_starts_a_plan_that_day_is_a_transfer_in():
    transferred, plan_began_later, no_plan, own_enquiry = (ChildFactory() for _ in range(4))
    day = D(2025, 5, 20)
    census_initial_conference(
        transferred,
        day,
        plan=plan_record(child=transferred, started_on=day, initial_category="NEG"),
    )
    census_initial_conference(
        plan_began_later,
        day,
        plan=plan_record(child=plan_began_later, started_on=D(2025, 5, 21), initial_category="NEG"),
    )
    census_initial_conference(no_plan, day)
    plan_from_initial_conference(own_enquiry, strategy_on=D(2025, 4, 28), held_on=day)
    assert list(figures.icpc_transfer_in_children(2025).children()) == [transferred]
    assert set(figures.icpc_children_excluding_transfer_in(2025).children()) == {
        plan_began_later,
        no_plan,
        own_enquiry,
    }
    assert figures.icpc_children(2025).count() == 4


def test_a_transfer_in_booked_here_is_left_out_of_initial_conference_children_excluding_them():
    transferred, own_enquiry = ChildFactory(), ChildFactory()
    conference = book("transfer_in", [transferred], transfer_notified_on=D(2025, 4, 1))
    conference_record_held(
        conference=conference,
        held_on=D(2025, 5, 20),
        outcomes=[ChildOutcome(transferred, "plan_started", "NEG")],
    )
    plan_from_initial_conference(own_enquiry, strategy_on=D(2025, 4, 28), held_on=D(2025, 5, 20))
    assert list(figures.icpc_children_excluding_transfer_in(2025).children()) == [own_enquiry]


def test_children_not_made_subject_to_a_plan_at_an_initial_conference():
    brother, sister = ChildFactory(), ChildFactory()
    for child in (brother, sister):
        section47_start(child=child, strategy_discussion_on=D(2025, 4, 1))
    conference = book("initial", [brother, sister])
    conference_record_held(
        conference=conference,
        held_on=D(2025, 4, 15),
        outcomes=[ChildOutcome(brother, "plan_started", "NEG"), ChildOutcome(sister, "no_plan")],
    )
    assert figures.conferences_held(2025, "initial").count() == 1
    assert figures.icpc_children(2025).count() == 2
    assert list(figures.icpc_children_not_made_subject_to_a_plan(2025).children()) == [sister]


def test_a_review_conference_by_its_due_date_is_in_time():
    on_time, late = ChildFactory(), ChildFactory()
    for child, held_on in [(on_time, D(2025, 4, 1)), (late, D(2025, 4, 2))]:
        plan = plan_record(child=child, started_on=D(2025, 1, 1), initial_category="NEG")
        conference = book("review", [child])
        conference_record_held(
            conference=conference, held_on=held_on, outcomes=[ChildOutcome(child, "plan_continued")]
        )
        assert ChildProtectionPlan.objects.get(pk=plan.pk).conferences.get().due_on == D(2025, 4, 1)
    assert figures.review_conference_children(2025).count() == 2
    assert list(figures.review_conferences_in_time(2025).children()) == [on_time]


def test_family_attendance_counts_invitations_and_exclusions():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 4, 1))
    conference = book("initial", [child])
    mother = invitation_add(
        conference=conference,
        name="A",
        kind="family",
        role="Mother",
        has_parental_responsibility=True,
    )
    father = invitation_add(
        conference=conference,
        name="B",
        kind="family",
        role="Father",
        has_parental_responsibility=True,
    )
    invitation_add(conference=conference, name="C", kind="professional", role="School")
    invitation_record_attendance(invitation=mother, attendance="attended")
    invitation_record_attendance(
        invitation=father, attendance="excluded", exclusion_reason="Risk to the child"
    )
    conference_record_held(
        conference=conference, held_on=D(2025, 4, 15), outcomes=[ChildOutcome(child, "no_plan")]
    )
    assert figures.family_invitations(2025, "initial").count() == 2
    assert figures.family_invitations_attended(2025, "initial").count() == 1
    assert figures.conferences_family_attended(2025, "initial").count() == 1
    assert figures.family_excluded(2025, with_parental_responsibility=True).count() == 1
    assert list(figures.family_excluded(2025).children()) == [child]
