"""A conference's decisions are tracked actions (as a review's, core.decisions): recorded
by the chair once the outcome is in, shown on the conference and the child's record with
owner, due date and status, marked done, corrected or withdrawn with a reason, and an
overdue one reaches the chair's digest."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from iro.services import iro_allocate
from protection.models import ConferenceDecision
from protection.selectors import CONFERENCE_DECISION, open_deadlines
from protection.services import (
    ChildOutcome,
    conference_book,
    conference_cancel,
    conference_decision_add,
    conference_decision_complete,
    conference_decision_correct,
    conference_decision_withdraw,
    conference_record_held,
    section47_start,
)
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory, UserFactory
from worklists.alerts import digest_for

D = dt.date
TODAY = D(2026, 12, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_tuesday(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def _refused(call, field):
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict


@pytest.fixture
def conference(iro):
    child = ChildFactory(child_id="C1", first_name="Cal", date_of_birth=D(2015, 1, 1))
    iro_allocate(child=child, iro=iro, started_on=D(2026, 10, 1))
    section47_start(child=child, strategy_discussion_on=D(2026, 10, 20))
    conference = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 11, 2, 10)),
        venue="Room 1",
        chair=iro,
    )
    return conference_record_held(
        conference=conference,
        held_on=D(2026, 11, 2),
        outcomes=[ChildOutcome(child=child, outcome="no_plan")],
        chair=iro,
    )


def _day(d):
    return {"due_on_0": d.day, "due_on_1": d.month, "due_on_2": d.year}


def test_the_chair_records_three_decisions_shown_on_the_childs_record(client, iro, conference):
    client.force_login(iro.user)
    add = reverse("protection:decision_add", args=[conference.pk])
    assert (
        add in client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    )
    for action, owner, due in [
        ("Arrange a medical", "Social worker", D(2026, 11, 20)),
        ("Core group meets", "Team manager", D(2026, 12, 10)),
        ("Refer to family support", "Social worker", D(2026, 12, 20)),
    ]:
        saved = client.post(add, {"action": action, "owner": owner, **_day(due)})
        assert saved.status_code == 302
    assert conference.decisions.count() == 3
    conference_decision_complete(
        decision=ConferenceDecision.objects.get(action="Refer to family support"),
        completed_on=TODAY,
    )
    page = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    assert "Arrange a medical" in page
    assert "20 November 2026" in page
    assert "overdue" in page
    assert "Core group meets" in page
    assert "Done</strong> 1 December 2026" in page
    done = reverse(
        "protection:decision_done",
        args=[ConferenceDecision.objects.get(action="Core group meets").pk],
    )
    assert done in page


def test_bad_input_names_the_field_and_saves_nothing(client, iro, conference):
    client.force_login(iro.user)
    add = reverse("protection:decision_add", args=[conference.pk])
    page = client.post(add, {"action": "", "owner": "x", **_day(D(2026, 10, 1))})
    assert page.status_code == 400
    assert "Enter what is to be done" in page.content.decode()
    _refused(
        lambda: conference_decision_add(
            conference=conference, action="x", owner="y", due_on=D(2026, 10, 1)
        ),
        "due_on",
    )
    assert not ConferenceDecision.all_objects.exists()


def test_another_iro_or_business_support_cannot_and_see_no_link(
    client, business_support, head_of_service, conference
):
    decision = conference_decision_add(
        conference=conference, action="Arrange a medical", owner="SW", due_on=D(2026, 12, 5)
    )
    url = reverse("protection:decision_done", args=[decision.pk])
    other = IROFactory()
    _with_role(other.user, Role.IRO)
    for user in (other.user, business_support):
        client.force_login(user)
        assert url not in client.get(reverse("children:child_detail", args=["C1"])).content.decode()
        assert client.get(url).status_code == 403
    client.force_login(head_of_service)
    assert client.get(url).status_code == 200


def test_done_correct_and_withdraw_need_what_they_need(iro, conference):
    decision = conference_decision_add(
        conference=conference, action="Arrange a medical", owner="SW", due_on=D(2026, 12, 5)
    )
    _refused(
        lambda: conference_decision_complete(decision=decision, completed_on=D(2026, 11, 1)),
        "completed_on",
    )
    _refused(
        lambda: conference_decision_complete(decision=decision, completed_on=D(2026, 12, 2)),
        "completed_on",
    )
    _refused(
        lambda: conference_decision_correct(
            decision=decision, action="x", owner="y", due_on=D(2026, 12, 9), reason=""
        ),
        "reason",
    )
    conference_decision_correct(
        decision=decision,
        action="Arrange a medical",
        owner="Health visitor",
        due_on=D(2026, 12, 9),
        reason="The health visitor is arranging it",
        by=iro.user,
    )
    decision.refresh_from_db()
    assert decision.owner == "Health visitor"
    assert decision.history.last().owner == "SW"
    _refused(lambda: conference_decision_withdraw(decision=decision, reason=" "), "reason")
    head = UserFactory(username="withdrawer")
    conference_decision_withdraw(decision=decision, reason="Recorded in error", by=head)
    assert not ConferenceDecision.objects.filter(pk=decision.pk).exists()
    kept = ConferenceDecision.all_objects.get(pk=decision.pk)
    assert (kept.withdrawn_reason, kept.withdrawn_by) == ("Recorded in error", head)
    with pytest.raises(ValidationError):
        conference_decision_complete(decision=kept, completed_on=TODAY)


def test_a_cancelled_or_booked_conference_takes_no_decisions(iro):
    child = ChildFactory(child_id="C2")
    section47_start(child=child, strategy_discussion_on=D(2026, 11, 20))
    booked = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 12, 3, 10)),
        venue="Room 1",
        chair=iro,
    )
    with pytest.raises(ValidationError):
        conference_decision_add(conference=booked, action="x", owner="y", due_on=D(2026, 12, 9))
    conference_cancel(conference=booked, reason="Family moved away")
    booked.refresh_from_db()
    with pytest.raises(ValidationError):
        conference_decision_add(conference=booked, action="x", owner="y", due_on=D(2026, 12, 9))


def test_an_overdue_decision_reaches_the_chairs_digest(iro, conference):
    conference_decision_add(
        conference=conference, action="Arrange a medical", owner="SW", due_on=D(2026, 11, 20)
    )
    [item] = [d for d in open_deadlines() if d.kind == CONFERENCE_DECISION]
    assert (item.child_id, item.due) == ("C1", D(2026, 11, 20))
    assert item.reason == "Decision of the conference on 2 November 2026, for SW: Arrange a medical"
    digest = digest_for(iro.user, as_of=TODAY)
    assert any("Arrange a medical" in i.reason and i.status == "overdue" for i in digest)
