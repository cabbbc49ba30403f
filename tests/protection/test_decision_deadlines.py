"""Open decisions of conferences and reviews are deadlines like any other: a list asked
"as of" a day calls one overdue only after its due date, whatever today is."""

import datetime as dt

import pytest
from django.utils import timezone

from iro.services import iro_allocate
from protection.selectors import CONFERENCE_DECISION
from protection.selectors import open_decisions as conference_decisions_open
from protection.services import (
    ChildOutcome,
    conference_book,
    conference_decision_add,
    conference_record_held,
    section47_start,
)
from reviews.models import ReviewDecision
from reviews.selectors import REVIEW_DECISION
from reviews.selectors import open_decisions as review_decisions_open
from reviews.services import episode_record, lac_review_record
from tests.factories import ChildFactory
from worklists.deadlines import open_deadlines

D = dt.date
TODAY = D(2026, 12, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_tuesday(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def decisions(iro):
    """A conference decision due 20 November and a review decision due 25 November."""
    child = ChildFactory(child_id="C1", date_of_birth=D(2015, 1, 1))
    iro_allocate(child=child, iro=iro, started_on=D(2026, 1, 1))
    section47_start(child=child, strategy_discussion_on=D(2026, 10, 20))
    conference = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 11, 2, 10)),
        venue="Room 1",
        chair=iro,
    )
    conference_record_held(
        conference=conference,
        held_on=D(2026, 11, 2),
        outcomes=[ChildOutcome(child=child, outcome="no_plan")],
        chair=iro,
    )
    conference_decision_add(
        conference=conference, action="Arrange a medical", owner="SW", due_on=D(2026, 11, 20)
    )
    episode_record(
        child=child,
        started_on=D(2026, 1, 1),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )
    review = lac_review_record(child=child, held_on=D(2026, 1, 20), participation_code="PN1")
    ReviewDecision.objects.create(
        review=review, action="Update the care plan", owner="SW", due_on=D(2026, 11, 25)
    )


def _statuses(items):
    return sorted(
        (d.kind, d.status) for d in items if d.kind in {CONFERENCE_DECISION, REVIEW_DECISION}
    )


def test_a_decision_is_due_on_its_day_and_overdue_the_day_after(decisions):
    assert _statuses(open_deadlines(as_of=D(2026, 11, 20))) == [
        (CONFERENCE_DECISION, "due"),
        (REVIEW_DECISION, "due"),
    ]
    assert _statuses(open_deadlines(as_of=D(2026, 11, 21))) == [
        (CONFERENCE_DECISION, "overdue"),
        (REVIEW_DECISION, "due"),
    ]
    assert _statuses(open_deadlines(as_of=D(2026, 11, 26))) == [
        (CONFERENCE_DECISION, "overdue"),
        (REVIEW_DECISION, "overdue"),
    ]


def test_the_deadlines_list_as_of_an_earlier_day_never_calls_a_later_decision_overdue(
    decisions,
):
    # Today (1 December) both are overdue; as of 15 November neither is yet.
    assert _statuses(open_deadlines(as_of=D(2026, 11, 15))) == [
        (CONFERENCE_DECISION, "due"),
        (REVIEW_DECISION, "due"),
    ]
    # Within 7 days of 15 November: only the conference's decision (due the 20th).
    assert _statuses(open_deadlines(as_of=D(2026, 11, 15), within_days=7)) == [
        (CONFERENCE_DECISION, "due")
    ]


def test_each_area_lists_its_open_decisions_up_to_the_horizon(decisions):
    kinds = lambda items: [d.kind for d in items]  # noqa: E731
    assert kinds(conference_decisions_open(horizon=D(2026, 11, 19))) == []
    assert kinds(conference_decisions_open(horizon=D(2026, 11, 20))) == [CONFERENCE_DECISION]
    assert kinds(review_decisions_open(horizon=D(2026, 11, 24))) == []
    assert kinds(review_decisions_open()) == [REVIEW_DECISION]
