"""Recording child protection work: enquiries, conferences, plans, invitations.

Due dates follow RULES.md pinned convention 5. Bad input is refused whole: nothing is
half-saved.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from protection.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceChild,
    ConferenceInvitation,
    Section47Enquiry,
)
from protection.services import (
    ChildOutcome,
    conference_book,
    conference_cancel,
    conference_record_held,
    invitation_add,
    invitation_record_attendance,
    plan_record,
    section47_start,
)
from tests.factories import ChildFactory, FamilyFactory
from worklists.deadlines import open_deadlines

D = dt.date
TODAY = D(2025, 6, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def refused(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[field])


def book(kind, children, **extra):
    return conference_book(
        kind=kind,
        children=children,
        venue="Civic Centre, Room 2",
        **{"scheduled_for": dt.datetime(2025, 5, 30, 10, 0, tzinfo=dt.UTC), **extra},
    )


def open_kinds(child):
    return {d.kind for d in open_deadlines(as_of=TODAY) if d.child == child.child_id}


def plan_from_initial_conference(child, *, strategy_on, held_on, category="NEG"):
    section47_start(child=child, strategy_discussion_on=strategy_on)
    conference = book("initial", [child])
    conference_record_held(
        conference=conference,
        held_on=held_on,
        outcomes=[ChildOutcome(child, "plan_started", category)],
    )
    return ChildProtectionPlan.objects.get(child=child, ended_on__isnull=True)


# Section 47 enquiries


def test_starting_an_enquiry_stores_the_initial_conference_due_date_and_why():
    child = ChildFactory()
    enquiry = section47_start(child=child, strategy_discussion_on=D(2025, 3, 20))
    enquiry.refresh_from_db()
    assert enquiry.icpc_due == D(2025, 4, 10)  # Good Friday is after the due date
    assert enquiry.icpc_due_reason == (
        "15 working days after the strategy discussion on 20 March 2025"
    )
    [deadline] = [d for d in open_deadlines(as_of=TODAY) if d.child == child.child_id]
    assert (deadline.kind, deadline.due, deadline.status) == ("icpc", D(2025, 4, 10), "overdue")


def test_initial_conference_due_date_skips_the_easter_bank_holidays():
    enquiry = section47_start(child=ChildFactory(), strategy_discussion_on=D(2025, 4, 3))
    assert enquiry.icpc_due == D(2025, 4, 28)


def test_a_strategy_discussion_in_the_future_is_refused():
    child = ChildFactory()
    message = refused(
        lambda: section47_start(child=child, strategy_discussion_on=D(2025, 6, 3)),
        "strategy_discussion_on",
    )
    assert "must be today or in the past" in message
    assert not Section47Enquiry.objects.filter(child=child).exists()


def test_a_strategy_discussion_today_is_accepted():
    enquiry = section47_start(child=ChildFactory(), strategy_discussion_on=TODAY)
    assert enquiry.icpc_due == D(2025, 6, 23)


def test_a_second_enquiry_from_the_same_strategy_discussion_is_refused():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 3, 20))
    message = refused(
        lambda: section47_start(child=child, strategy_discussion_on=D(2025, 3, 20)),
        "strategy_discussion_on",
    )
    assert "A section 47 enquiry from 20 March 2025 is already recorded" in message
    assert Section47Enquiry.objects.filter(child=child).count() == 1


def test_an_enquiry_that_needs_no_initial_conference_owes_no_deadline():
    child = ChildFactory()
    enquiry = section47_start(
        child=child, strategy_discussion_on=D(2025, 5, 2), icpc_not_required=True
    )
    assert enquiry.concluded_on == D(2025, 5, 2)
    assert "icpc" not in open_kinds(child)


# Booking conferences


def test_a_sibling_groups_initial_conference_is_one_meeting_keeping_each_childs_due_date():
    family = FamilyFactory()
    older, younger = ChildFactory(family=family), ChildFactory(family=family)
    section47_start(child=older, strategy_discussion_on=D(2025, 4, 1))
    section47_start(child=younger, strategy_discussion_on=D(2025, 4, 3))

    conference = book("initial", [older, younger], family=family)

    assert ChildProtectionConference.objects.count() == 1
    assert conference.status == "scheduled"
    due = {
        c.child_id: (c.due_on, c.due_reason)
        for c in ConferenceChild.objects.filter(conference=conference)
    }
    assert due == {
        older.pk: (D(2025, 4, 24), "15 working days after the strategy discussion on 1 April 2025"),
        younger.pk: (
            D(2025, 4, 28),
            "15 working days after the strategy discussion on 3 April 2025",
        ),
    }


def test_an_initial_conference_needs_an_open_section_47_enquiry_for_every_child():
    with_enquiry, without = ChildFactory(), ChildFactory()
    section47_start(child=with_enquiry, strategy_discussion_on=D(2025, 4, 1))
    message = refused(lambda: book("initial", [with_enquiry, without]), "children")
    assert f"{without.child_id} has no open section 47 enquiry" in message
    assert not ChildProtectionConference.objects.exists()
    assert not ConferenceChild.objects.exists()


def test_a_review_conference_needs_a_child_on_a_plan():
    child = ChildFactory()
    message = refused(lambda: book("review", [child]), "children")
    assert f"{child.child_id} is not on a child protection plan" in message
    assert not ChildProtectionConference.objects.exists()


def test_a_transfer_in_conference_needs_the_date_the_transfer_was_notified():
    message = refused(lambda: book("transfer_in", [ChildFactory()]), "transfer_notified_on")
    assert "Enter when the transfer was notified" in message
    assert not ChildProtectionConference.objects.exists()


def test_a_transfer_in_conference_is_due_fifteen_working_days_after_notification():
    child = ChildFactory()
    conference = book("transfer_in", [child], transfer_notified_on=D(2024, 12, 16))
    entry = ConferenceChild.objects.get(conference=conference, child=child)
    assert entry.due_on == D(2025, 1, 9)  # Christmas, Boxing Day and New Year skipped
    assert entry.due_reason == (
        "15 working days after notification of the transfer on 16 December 2024"
    )


# Recording initial conferences


def test_plans_started_at_a_sibling_conference_are_one_per_child_and_end_the_enquiries():
    family = FamilyFactory()
    older, younger = ChildFactory(family=family), ChildFactory(family=family)
    plan_record(
        child=older, started_on=D(2021, 2, 1), ended_on=D(2022, 3, 1), initial_category="PHY"
    )
    section47_start(child=older, strategy_discussion_on=D(2025, 4, 1))
    section47_start(child=younger, strategy_discussion_on=D(2025, 4, 3))
    conference = book("initial", [older, younger], family=family)

    conference_record_held(
        conference=conference,
        held_on=D(2025, 4, 24),
        outcomes=[
            ChildOutcome(older, "plan_started", "NEG"),
            ChildOutcome(younger, "plan_started", "EMO"),
        ],
    )

    conference.refresh_from_db()
    assert (conference.status, conference.held_on) == ("held", D(2025, 4, 24))
    older_plan = ChildProtectionPlan.objects.get(child=older, ended_on__isnull=True)
    younger_plan = ChildProtectionPlan.objects.get(child=younger)
    assert (older_plan.started_on, older_plan.initial_category, older_plan.latest_category) == (
        D(2025, 4, 24),
        "NEG",
        "NEG",
    )
    assert (younger_plan.started_on, younger_plan.initial_category) == (D(2025, 4, 24), "EMO")
    assert (older_plan.previous_plans, younger_plan.previous_plans) == (1, 0)
    for plan in (older_plan, younger_plan):
        assert plan.next_review_due == D(2025, 7, 24)
        assert plan.next_review_reason == "3 months after the initial conference on 24 April 2025"
    entries = ConferenceChild.objects.filter(conference=conference)
    assert {(e.child_id, e.outcome, e.plan_id) for e in entries} == {
        (older.pk, "plan_started", older_plan.pk),
        (younger.pk, "plan_started", younger_plan.pk),
    }
    # The conference still answers for each child's own initial conference due date.
    assert {(e.child_id, e.due_on) for e in entries} == {
        (older.pk, D(2025, 4, 24)),
        (younger.pk, D(2025, 4, 28)),
    }
    assert set(
        Section47Enquiry.objects.filter(child__in=[older, younger]).values_list(
            "concluded_on", flat=True
        )
    ) == {D(2025, 4, 24)}
    assert open_kinds(older) == open_kinds(younger) == {"rcpc"}


def test_first_review_conference_after_an_initial_conference_on_31_march_is_due_30_june():
    plan = plan_from_initial_conference(
        ChildFactory(), strategy_on=D(2025, 3, 10), held_on=D(2025, 3, 31)
    )
    assert plan.next_review_due == D(2025, 6, 30)


def test_a_child_not_made_subject_to_a_plan_leaves_the_deadlines_list():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 4, 1))
    conference = book("initial", [child])
    conference_record_held(
        conference=conference, held_on=D(2025, 4, 22), outcomes=[ChildOutcome(child, "no_plan")]
    )
    assert not ChildProtectionPlan.objects.filter(child=child).exists()
    assert Section47Enquiry.objects.get(child=child).concluded_on == D(2025, 4, 22)
    assert open_kinds(child) == set()


def test_an_initial_conference_without_an_outcome_for_every_child_is_refused_whole():
    decided, undecided = ChildFactory(), ChildFactory()
    section47_start(child=decided, strategy_discussion_on=D(2025, 4, 1))
    section47_start(child=undecided, strategy_discussion_on=D(2025, 4, 3))
    conference = book("initial", [decided, undecided])

    message = refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 4, 24),
            outcomes=[ChildOutcome(decided, "plan_started", "NEG")],
        ),
        f"outcome-{undecided.child_id}",
    )

    assert "Choose the outcome of the conference" in message
    conference.refresh_from_db()
    assert (conference.status, conference.held_on) == ("scheduled", None)
    assert not ChildProtectionPlan.objects.exists()
    assert not Section47Enquiry.objects.filter(concluded_on__isnull=False).exists()


def test_a_review_outcome_at_an_initial_conference_is_refused():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 4, 1))
    conference = book("initial", [child])
    refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 4, 24),
            outcomes=[ChildOutcome(child, "plan_continued")],
        ),
        f"outcome-{child.child_id}",
    )
    conference.refresh_from_db()
    assert conference.status == "scheduled"


def test_a_plan_started_without_a_category_of_abuse_is_refused_whole():
    categorised, uncategorised = ChildFactory(), ChildFactory()
    section47_start(child=categorised, strategy_discussion_on=D(2025, 4, 1))
    section47_start(child=uncategorised, strategy_discussion_on=D(2025, 4, 3))
    conference = book("initial", [categorised, uncategorised])

    message = refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 4, 24),
            outcomes=[
                ChildOutcome(categorised, "plan_started", "PHY"),
                ChildOutcome(uncategorised, "plan_started"),
            ],
        ),
        f"category-{uncategorised.child_id}",
    )

    assert "Choose the category of abuse" in message
    conference.refresh_from_db()
    assert conference.status == "scheduled"
    assert not ChildProtectionPlan.objects.exists()
    assert ConferenceChild.objects.filter(conference=conference, outcome="").count() == 2
    assert open_kinds(categorised) == open_kinds(uncategorised) == {"icpc"}


def test_an_initial_conference_before_the_strategy_discussion_is_refused():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 4, 1))
    conference = book("initial", [child])
    message = refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 3, 31),
            outcomes=[ChildOutcome(child, "no_plan")],
        ),
        "held_on",
    )
    assert "cannot be before the strategy discussion" in message
    conference.refresh_from_db()
    assert conference.status == "scheduled"


def test_a_conference_cannot_be_recorded_as_held_in_the_future():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 5, 20))
    conference = book("initial", [child])
    message = refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 6, 3),
            outcomes=[ChildOutcome(child, "no_plan")],
        ),
        "held_on",
    )
    assert "must be today or in the past" in message
    assert Section47Enquiry.objects.get(child=child).concluded_on is None


def test_a_held_conference_cannot_be_recorded_again():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 4, 1))
    conference = book("initial", [child])
    conference_record_held(
        conference=conference, held_on=D(2025, 4, 22), outcomes=[ChildOutcome(child, "no_plan")]
    )
    refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 4, 24),
            outcomes=[ChildOutcome(child, "no_plan")],
        ),
        "status",
    )
    conference.refresh_from_db()
    assert conference.held_on == D(2025, 4, 22)


# Review conferences


def test_a_review_conference_that_continues_the_plan_moves_the_next_review_six_months_on():
    child = ChildFactory()
    plan = plan_from_initial_conference(child, strategy_on=D(2024, 12, 20), held_on=D(2025, 1, 15))
    conference = book("review", [child])
    booked = ConferenceChild.objects.get(conference=conference)
    assert (booked.plan_id, booked.due_on) == (plan.pk, D(2025, 4, 15))

    conference_record_held(
        conference=conference,
        held_on=D(2025, 4, 10),
        outcomes=[ChildOutcome(child, "plan_continued")],
    )

    plan.refresh_from_db()
    assert plan.ended_on is None
    assert plan.next_review_due == D(2025, 10, 10)
    assert plan.next_review_reason == (
        "6 months after the previous review conference on 10 April 2025"
    )
    entry = ConferenceChild.objects.get(conference=conference)
    assert entry.outcome == "plan_continued"
    assert entry.due_on == D(2025, 4, 15)
    assert entry.due_reason == "3 months after the initial conference on 15 January 2025"
    assert open_kinds(child) == {"rcpc"}


def test_ending_the_plan_at_a_review_conference_closes_its_deadline():
    child = ChildFactory()
    plan = plan_from_initial_conference(child, strategy_on=D(2024, 12, 20), held_on=D(2025, 1, 15))
    conference = book("review", [child])
    conference_record_held(
        conference=conference, held_on=D(2025, 4, 10), outcomes=[ChildOutcome(child, "plan_ended")]
    )
    plan.refresh_from_db()
    assert plan.ended_on == D(2025, 4, 10)
    assert plan.next_review_due is None
    assert ConferenceChild.objects.get(conference=conference).outcome == "plan_ended"
    assert open_kinds(child) == set()


def test_a_review_conference_on_or_before_the_day_the_plan_started_is_refused():
    child = ChildFactory()
    plan = plan_record(child=child, started_on=D(2025, 5, 1), initial_category="NEG")
    conference = book("review", [child])
    for held_on in (D(2025, 4, 30), D(2025, 5, 1)):
        message = refused(
            lambda held_on=held_on: conference_record_held(
                conference=conference,
                held_on=held_on,
                outcomes=[ChildOutcome(child, "plan_ended")],
            ),
            "held_on",
        )
        assert "A review conference must be after the plan started" in message
    conference.refresh_from_db()
    plan.refresh_from_db()
    assert (conference.status, plan.ended_on, plan.next_review_due) == (
        "scheduled",
        None,
        D(2025, 8, 1),
    )


def test_an_initial_outcome_at_a_review_conference_is_refused():
    child = ChildFactory()
    plan_record(child=child, started_on=D(2025, 1, 15), initial_category="NEG")
    conference = book("review", [child])
    refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 4, 10),
            outcomes=[ChildOutcome(child, "plan_started", "NEG")],
        ),
        f"outcome-{child.child_id}",
    )
    assert ChildProtectionPlan.objects.filter(child=child).count() == 1


# Plans recorded directly (imports, corrections)


def test_a_plans_first_review_conference_is_due_three_months_after_it_starts():
    plan = plan_record(child=ChildFactory(), started_on=D(2025, 5, 31), initial_category="SAB")
    assert plan.next_review_due == D(2025, 8, 31)
    assert plan.next_review_reason == "3 months after the initial conference on 31 May 2025"
    assert plan.latest_category == "SAB"


def test_a_plan_cannot_start_in_the_future():
    child = ChildFactory()
    message = refused(
        lambda: plan_record(child=child, started_on=D(2025, 6, 3), initial_category="NEG"),
        "started_on",
    )
    assert "must be today or in the past" in message
    assert not ChildProtectionPlan.objects.filter(child=child).exists()


def test_plans_for_the_same_child_cannot_overlap():
    child = ChildFactory()
    plan_record(child=child, started_on=D(2024, 1, 10), initial_category="NEG")
    message = refused(
        lambda: plan_record(child=child, started_on=D(2025, 3, 1), initial_category="EMO"),
        "started_on",
    )
    assert "overlaps the plan that started on 10 January 2024" in message
    assert ChildProtectionPlan.objects.filter(child=child).count() == 1


def test_a_plan_may_start_the_day_the_previous_one_ended():
    child = ChildFactory()
    plan_record(
        child=child, started_on=D(2023, 1, 10), ended_on=D(2024, 1, 10), initial_category="NEG"
    )
    plan = plan_record(child=child, started_on=D(2024, 1, 10), initial_category="EMO")
    assert plan.previous_plans == 1


def test_a_plan_must_end_after_the_day_it_started():
    child = ChildFactory()
    message = refused(
        lambda: plan_record(
            child=child,
            started_on=D(2024, 3, 1),
            ended_on=D(2024, 3, 1),
            initial_category="NEG",
        ),
        "ended_on",
    )
    assert "A plan must end after the day it started" in message
    assert not ChildProtectionPlan.objects.filter(child=child).exists()


def test_an_unknown_category_of_abuse_is_refused():
    child = ChildFactory()
    message = refused(
        lambda: plan_record(child=child, started_on=D(2024, 3, 1), initial_category="XYZ"),
        "initial_category",
    )
    assert "'XYZ' is not a category of abuse" in message
    assert not ChildProtectionPlan.objects.filter(child=child).exists()


# Invitations and attendance


@pytest.fixture
def invitation():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 5, 20))
    return invitation_add(
        conference=book("initial", [child]),
        name="Sam Parent",
        kind="family",
        role="Father",
        has_parental_responsibility=True,
        invited_on=D(2025, 5, 28),
    )


def test_excluding_someone_from_a_conference_needs_a_reason(invitation):
    message = refused(
        lambda: invitation_record_attendance(invitation=invitation, attendance="excluded"),
        "exclusion_reason",
    )
    assert "Enter why the person was excluded" in message
    invitation.refresh_from_db()
    assert (invitation.attendance, invitation.exclusion_reason) == ("invited", "")


def test_an_exclusion_with_its_reason_is_recorded(invitation):
    invitation_record_attendance(
        invitation=invitation,
        attendance="excluded",
        exclusion_reason="Risk of violence to the child's mother at the meeting",
    )
    saved = ConferenceInvitation.objects.get(pk=invitation.pk)
    assert saved.attendance == "excluded"
    assert saved.exclusion_reason == "Risk of violence to the child's mother at the meeting"


def test_an_exclusion_reason_is_dropped_when_the_person_attended(invitation):
    invitation_record_attendance(
        invitation=invitation, attendance="attended", exclusion_reason="Not excluded after all"
    )
    invitation.refresh_from_db()
    assert (invitation.attendance, invitation.exclusion_reason) == ("attended", "")


# Cancelling


def test_a_cancelled_conference_needs_a_reason():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 5, 20))
    conference = book("initial", [child])
    message = refused(
        lambda: conference_cancel(conference=conference, reason="  "), "cancellation_reason"
    )
    assert "Enter why the conference is cancelled" in message
    conference.refresh_from_db()
    assert (conference.status, conference.cancellation_reason) == ("scheduled", "")


def test_a_cancelled_conference_cannot_be_recorded_as_held():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 5, 20))
    conference = book("initial", [child])
    conference_cancel(conference=conference, reason="Chair unwell; rebooked for next week")

    message = refused(
        lambda: conference_record_held(
            conference=conference,
            held_on=D(2025, 5, 30),
            outcomes=[ChildOutcome(child, "plan_started", "NEG")],
        ),
        "status",
    )

    assert "cancelled" in message
    conference.refresh_from_db()
    assert (conference.status, conference.held_on) == ("cancelled", None)
    assert not ChildProtectionPlan.objects.filter(child=child).exists()
    assert open_kinds(child) == {"icpc"}


def test_a_held_conference_cannot_be_cancelled():
    child = ChildFactory()
    section47_start(child=child, strategy_discussion_on=D(2025, 5, 20))
    conference = book("initial", [child])
    conference_record_held(
        conference=conference, held_on=D(2025, 5, 30), outcomes=[ChildOutcome(child, "no_plan")]
    )
    refused(lambda: conference_cancel(conference=conference, reason="Booked twice"), "status")
    conference.refresh_from_db()
    assert (conference.status, conference.cancellation_reason) == ("held", "")
