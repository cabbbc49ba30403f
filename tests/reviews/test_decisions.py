"""A review's decisions are tracked actions: shown on the child's record with owner, due
date and status, marked done, corrected or withdrawn with a reason, carried to the next
review's page while open, and overdue ones reach the child's IRO."""

import datetime as dt

import pytest
from django.urls import reverse

from iro.services import iro_allocate
from reviews.models import ReviewDecision
from reviews.rules import DecisionStatus, decision_status
from reviews.selectors import REVIEW_DECISION_RULE, open_deadlines
from reviews.services import (
    DecisionInput,
    lac_review_record,
    review_decision_complete,
    review_decision_correct,
    review_decision_withdraw,
)
from tests.factories import ChildFactory, UserFactory
from tests.reviews.test_services import enter_care, refused
from worklists.alerts import digest_for

D = dt.date
TODAY = D(2025, 6, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_2_june_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def review(iro):
    child = ChildFactory(child_id="D1", first_name="Dana", date_of_birth=D(2014, 5, 1))
    iro_allocate(child=child, iro=iro, started_on=D(2025, 3, 1))
    enter_care(child, D(2025, 3, 3))
    return lac_review_record(
        child=child,
        held_on=D(2025, 3, 28),
        participation_code="PN1",
        chair=iro,
        decisions=[
            DecisionInput("Arrange a dental check", "Social worker", D(2025, 5, 1)),
            DecisionInput("Update the care plan", "Team manager", D(2025, 7, 1)),
            DecisionInput("Start life-story work", "Foster carer", D(2025, 8, 1)),
        ],
    )


def _decision(action):
    return ReviewDecision.objects.get(action=action)


def test_a_decision_is_open_done_overdue_or_withdrawn():
    due = D(2025, 5, 1)
    assert decision_status(due_on=due, completed_on=None, withdrawn=False, as_of=due) == "open"
    overdue = decision_status(due_on=due, completed_on=None, withdrawn=False, as_of=TODAY)
    assert overdue == DecisionStatus.OVERDUE
    done = decision_status(due_on=due, completed_on=due, withdrawn=False, as_of=TODAY)
    assert done == DecisionStatus.DONE
    gone = decision_status(due_on=due, completed_on=None, withdrawn=True, as_of=TODAY)
    assert gone == DecisionStatus.WITHDRAWN


def test_the_childs_record_lists_each_decision_with_owner_due_date_and_status(client, iro, review):
    review_decision_complete(decision=_decision("Start life-story work"), completed_on=TODAY)
    client.force_login(iro.user)
    page = client.get(reverse("children:child_detail", args=["D1"])).content.decode()
    assert "Arrange a dental check" in page
    assert "Social worker" in page
    assert "1 May 2025" in page
    assert "overdue by 32 days" in page
    assert "Update the care plan" in page
    assert "due in 29 days" in page
    assert "Done</strong> 2 June 2025" in page
    assert reverse("reviews:decision_done", args=[_decision("Update the care plan").pk]) in page


def test_only_the_iro_or_a_manager_sees_and_uses_the_decision_actions(
    client, business_support, head_of_service, review
):
    url = reverse("reviews:decision_done", args=[_decision("Arrange a dental check").pk])
    client.force_login(business_support)
    assert url not in client.get(reverse("children:child_detail", args=["D1"])).content.decode()
    assert client.get(url).status_code == 403
    client.force_login(head_of_service)
    assert client.get(url).status_code == 200


def test_marking_a_decision_done_is_refused_before_the_review_or_in_the_future(review):
    decision = _decision("Arrange a dental check")
    refused(
        lambda: review_decision_complete(decision=decision, completed_on=D(2025, 3, 1)),
        "completed_on",
    )
    refused(
        lambda: review_decision_complete(decision=decision, completed_on=D(2025, 6, 3)),
        "completed_on",
    )
    review_decision_complete(decision=decision, completed_on=D(2025, 5, 20))
    decision.refresh_from_db()
    assert decision.completed_on == D(2025, 5, 20)


def test_a_correction_needs_a_reason_and_is_kept_in_the_history(client, iro, review):
    decision = _decision("Arrange a dental check")
    refused(
        lambda: review_decision_correct(
            decision=decision, action="x", owner="y", due_on=D(2025, 6, 9), reason=""
        ),
        "reason",
    )
    client.force_login(iro.user)
    saved = client.post(
        reverse("reviews:decision_correct", args=[decision.pk]),
        {
            "action": "Arrange a dental check",
            "owner": "Foster carer",
            "due_on_0": "9",
            "due_on_1": "6",
            "due_on_2": "2025",
            "reason": "The carer is taking Dana",
        },
    )
    assert saved.status_code == 302
    decision.refresh_from_db()
    assert (decision.owner, decision.due_on) == ("Foster carer", D(2025, 6, 9))
    entry = decision.history.first()
    assert (entry.history_change_reason, entry.history_user) == (
        "The carer is taking Dana",
        iro.user,
    )
    assert decision.history.last().owner == "Social worker"


def test_a_withdrawn_decision_is_kept_but_no_longer_tracked(review):
    decision = _decision("Arrange a dental check")
    refused(lambda: review_decision_withdraw(decision=decision, reason=" "), "reason")
    head = UserFactory(username="withdrawer")
    review_decision_withdraw(decision=decision, reason="Recorded for the wrong child", by=head)
    assert not ReviewDecision.objects.filter(pk=decision.pk).exists()
    kept = ReviewDecision.all_objects.get(pk=decision.pk)
    assert (kept.withdrawn_reason, kept.withdrawn_by) == ("Recorded for the wrong child", head)
    assert review.decisions.count() == 2
    assert not [d for d in open_deadlines() if "dental" in d.reason]


def test_an_overdue_decision_reaches_the_childs_iro_as_a_deadline(iro, review):
    [item] = [
        d for d in open_deadlines() if d.rule == REVIEW_DECISION_RULE and "dental" in d.reason
    ]
    assert (item.child_id, item.due) == ("D1", D(2025, 5, 1))
    assert item.reason == (
        "Decision of the review on 28 March 2025, for Social worker: Arrange a dental check"
    )
    digest = digest_for(iro.user, as_of=TODAY)
    assert any("Arrange a dental check" in i.reason and i.status == "overdue" for i in digest)
    review_decision_complete(decision=_decision("Arrange a dental check"), completed_on=TODAY)
    assert not [d for d in open_deadlines() if "dental" in d.reason]


def test_the_next_reviews_page_shows_what_is_still_open_from_the_last(client, iro, review):
    review_decision_complete(decision=_decision("Start life-story work"), completed_on=TODAY)
    client.force_login(iro.user)
    page = client.get(reverse("reviews:review_record", args=["D1"])).content.decode()
    assert "Still open from the last review" in page
    assert "Decisions of the review held 28 March 2025" in page
    assert "Arrange a dental check" in page
    assert "Update the care plan" in page
    assert "Start life-story work" not in page


def test_the_permanence_plan_is_shown_from_the_second_review(client, iro, review):
    child = review.child
    lac_review_record(
        child=child, held_on=D(2025, 5, 28), participation_code="PN1", permanence_plan="f"
    )
    client.force_login(iro.user)
    page = client.get(reverse("children:child_detail", args=["D1"])).content.decode()
    assert page.count("Permanence plan") == 1
    assert "Long-term fostering" in page
