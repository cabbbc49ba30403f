"""A deadlines list asked "as of" a day lists only the decisions overdue on that day: a
decision of a conference or a review due later is not yet overdue then, whatever today is."""

import datetime as dt

import pytest
from django.utils import timezone

from iro.services import iro_allocate
from protection.selectors import CONFERENCE_DECISION
from protection.selectors import overdue_decisions as conference_decisions_overdue
from protection.services import (
    ChildOutcome,
    conference_book,
    conference_decision_add,
    conference_record_held,
    section47_start,
)
from reviews.models import ReviewDecision
from reviews.selectors import REVIEW_DECISION
from reviews.selectors import overdue_decisions as review_decisions_overdue
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


def _kinds(items):
    return sorted(d.kind for d in items if d.kind in {CONFERENCE_DECISION, REVIEW_DECISION})


def test_a_decision_is_not_overdue_as_of_a_day_before_its_due_date(decisions):
    assert _kinds(conference_decisions_overdue(as_of=D(2026, 11, 20))) == []
    assert _kinds(conference_decisions_overdue(as_of=D(2026, 11, 21))) == [CONFERENCE_DECISION]
    assert _kinds(review_decisions_overdue(as_of=D(2026, 11, 25))) == []
    assert _kinds(review_decisions_overdue(as_of=D(2026, 11, 26))) == [REVIEW_DECISION]


def test_without_a_day_they_are_overdue_as_of_today(decisions):
    assert _kinds(conference_decisions_overdue()) == [CONFERENCE_DECISION]
    assert _kinds(review_decisions_overdue()) == [REVIEW_DECISION]


def test_the_deadlines_list_as_of_an_earlier_day_leaves_out_decisions_overdue_only_later(
    decisions,
):
    assert _kinds(open_deadlines(as_of=D(2026, 11, 15))) == []
    assert _kinds(open_deadlines(as_of=D(2026, 11, 22), within_days=30)) == [CONFERENCE_DECISION]
    assert _kinds(open_deadlines(as_of=TODAY)) == [CONFERENCE_DECISION, REVIEW_DECISION]
