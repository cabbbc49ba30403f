"""The council's system is told (the outbox) when a statutory deadline becomes overdue,
once per deadline, by the nightly job; when a review's decisions are circulated; and
when a conference's outcome is recorded. Each event carries IDs, dates and codes only."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.models import OutboxEvent, OutboxKind
from protection.models import ConferenceChild
from protection.services import ChildOutcome, conference_record_held
from reviews.services import DecisionInput, lac_review_circulation_record, lac_review_record
from tests.api.records import TODAY, case_records, looked_after
from worklists.tasks import deadline_alerts_send

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(TODAY, tick=False)


def overdue_events():
    return OutboxEvent.objects.filter(kind=OutboxKind.DEADLINE_OVERDUE).order_by("pk")


def test_the_nightly_job_tells_of_each_overdue_deadline_once(iro):
    case_records(held_by=iro, chair=iro, child_id="C1")

    deadline_alerts_send(as_of="2025-03-31")
    first = list(overdue_events())
    deadline_alerts_send(as_of="2025-03-31")
    deadline_alerts_send(as_of="2025-04-01")

    assert {e.payload["deadline"] for e in first} == {"lac_review", "rcpc", "dispute_stage"}
    assert {e.child_ref for e in first} == {"C1"}
    assert list(overdue_events()) == first, "nothing is told twice"
    review = next(e for e in first if e.payload["deadline"] == "lac_review")
    assert review.subject_type == "reviews.periodofcare"
    assert set(review.payload) == {"deadline", "due_on", "as_of", "rule"}
    assert review.payload["due_on"] < "2025-03-31"


def test_a_deadline_is_told_on_the_night_it_becomes_overdue_and_not_before(iro):
    case_records(held_by=iro, chair=iro, child_id="C1")
    deadline_alerts_send(as_of="2025-03-31")
    assert "icpc" not in {e.payload["deadline"] for e in overdue_events()}

    deadline_alerts_send(as_of="2025-05-30")

    (icpc,) = [e for e in overdue_events() if e.payload["deadline"] == "icpc"]
    assert icpc.payload["as_of"] == "2025-05-30"
    assert icpc.subject_type == "protection.section47enquiry"


def test_decisions_circulated_with_the_review_are_told_once(iro):
    child = looked_after(iro, "C1")

    review = lac_review_record(
        child=child,
        held_on=D(2025, 1, 27),
        participation_code="PN1",
        decisions=[DecisionInput("Arrange a dental check", "Social worker", D(2025, 2, 24))],
        decisions_circulated_on=D(2025, 1, 29),
    )
    lac_review_circulation_record(
        review=review, decisions_circulated_on=D(2025, 1, 30), record_circulated_on=None
    )

    (event,) = OutboxEvent.objects.all()
    assert event.kind == OutboxKind.REVIEW_DECISIONS_CIRCULATED
    assert (event.child_ref, event.subject_type, event.subject_pk) == (
        "C1",
        "reviews.lookedafterreview",
        review.pk,
    )
    assert event.payload == {
        "review_id": review.pk,
        "held_on": "2025-01-27",
        "decisions_circulated_on": "2025-01-29",
        "decisions": 1,
    }


def test_decisions_circulated_after_the_review_are_told_when_recorded(iro):
    child = looked_after(iro, "C1")
    review = lac_review_record(child=child, held_on=D(2025, 1, 27), participation_code="PN1")
    assert not OutboxEvent.objects.exists(), "nothing went out yet"

    lac_review_circulation_record(
        review=review, decisions_circulated_on=None, record_circulated_on=D(2025, 2, 3)
    )
    assert not OutboxEvent.objects.exists(), "the full record is not the decisions"
    lac_review_circulation_record(
        review=review, decisions_circulated_on=D(2025, 2, 3), record_circulated_on=D(2025, 2, 3)
    )

    (event,) = OutboxEvent.objects.all()
    assert event.payload["decisions_circulated_on"] == "2025-02-03"


def test_a_conference_held_tells_each_childs_outcome(iro):
    child = case_records(held_by=iro, chair=iro, child_id="C1")
    conference = ConferenceChild.objects.get(child=child).conference
    conference_record_held(
        conference=conference,
        held_on=D(2025, 3, 31),
        outcomes=[ChildOutcome(child=child, outcome="no_plan")],
    )

    (event,) = OutboxEvent.objects.filter(kind=OutboxKind.CONFERENCE_OUTCOME_RECORDED)
    assert event.child_ref == "C1" and event.subject_type == "protection.conferencechild"
    assert event.payload == {
        "conference_id": conference.pk,
        "conference_kind": "initial",
        "held_on": "2025-03-31",
        "outcome": "no_plan",
        "plan_id": None,
        "category": None,
    }


def test_a_refused_save_tells_nothing(iro):
    child = looked_after(iro, "C1")
    with pytest.raises(ValidationError, match="participation_code"):
        lac_review_record(
            child=child,
            held_on=D(2025, 1, 27),
            participation_code="PN0",
            decisions_circulated_on=D(2025, 1, 29),
        )

    assert not OutboxEvent.objects.exists()
