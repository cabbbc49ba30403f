"""Issue 10: a held conference's recorded outcome (its date, whether a plan started or
ended, the plan's category) is corrected by the chair, the named deputy or the Head of
Service only, with a reason kept in the history; the plan's dates and the review
conferences' due dates are worked out again through the plan's schedule."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.submissions import SUBMISSION_FIELD
from protection.models import ChildProtectionPlan, ConferenceChild
from protection.selectors import RCPC, open_deadlines
from protection.services import (
    OUTCOME_UNCHANGED,
    PLAN_HAS_REVIEWS,
    ChildOutcome,
    conference_book,
    conference_outcome_correct,
    conference_record_held,
    section47_start,
)
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory

D = dt.date
pytestmark = pytest.mark.django_db
TOKEN = re.compile(rf'name="{SUBMISSION_FIELD}" value="([A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def winter_2026(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child():
    return ChildFactory(child_id="P1", first_name="Pat", date_of_birth=D(2015, 1, 1))


def _an_iro():
    officer = IROFactory()
    _with_role(officer.user, Role.IRO)
    return officer


@pytest.fixture
def deputy():
    return _an_iro()


def _held(kind, child, *, on, outcome, chair, deputy=None, category=""):
    conference = conference_book(
        kind=kind,
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime.combine(on, dt.time(10))),
        venue="Room 1",
        chair=chair,
        deputy_chair=deputy,
    )
    return conference_record_held(
        conference=conference,
        held_on=on,
        outcomes=[ChildOutcome(child=child, outcome=outcome, category=category)],
        chair=chair,
    )


@pytest.fixture
def icpc(child, iro, deputy):
    """An initial conference on 2 November 2026 recorded as starting no plan."""
    section47_start(child=child, strategy_discussion_on=D(2026, 10, 20))
    return _held("initial", child, on=D(2026, 11, 2), outcome="no_plan", chair=iro, deputy=deputy)


def url(conference):
    return reverse("protection:outcome_correct", args=[conference.pk])


def post(on, outcome, *, category="", reason="Chair ticked the wrong box", child_id="P1"):
    return {
        "held_on_0": on.day,
        "held_on_1": on.month,
        "held_on_2": on.year,
        f"outcome-{child_id}": outcome,
        f"category-{child_id}": category,
        "reason": reason,
    }


def test_the_chair_corrects_no_plan_to_a_plan_and_its_first_review_falls_due(
    client, iro, icpc, child
):
    client.force_login(iro.user)
    page = client.get(reverse("protection:conference", args=[icpc.pk])).content.decode()
    assert url(icpc) in page
    saved = client.post(url(icpc), post(D(2026, 11, 2), "plan_started", category="NEG"))
    assert saved.status_code == 302
    plan = ChildProtectionPlan.objects.get(child=child)
    assert (plan.started_on, plan.initial_category) == (D(2026, 11, 2), "NEG")
    assert plan.next_review_due == D(2027, 2, 2)
    assert plan.next_review_reason == "3 months after the initial conference on 2 November 2026"
    entry = ConferenceChild.objects.get(conference=icpc)
    assert (entry.outcome, entry.plan) == ("plan_started", plan)
    latest = entry.history.first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Chair ticked the wrong box",
        iro.user,
    )
    assert [d.due for d in open_deadlines() if d.kind == RCPC] == [D(2027, 2, 2)]
    page = client.get(reverse("protection:conference", args=[icpc.pk])).content.decode()
    assert "Chair ticked the wrong box" in page


def test_correcting_the_date_moves_the_plans_start_and_its_review_due_date(iro, child, deputy):
    section47_start(child=child, strategy_discussion_on=D(2026, 10, 20))
    icpc = _held(
        "initial", child, on=D(2026, 11, 2), outcome="plan_started", chair=iro, category="EMO"
    )
    conference_outcome_correct(
        conference=icpc,
        held_on=D(2026, 11, 3),
        outcomes=[ChildOutcome(child=child, outcome="plan_started", category="PHY")],
        reason="It was held on the Tuesday",
        by=iro.user,
    )
    plan = ChildProtectionPlan.objects.get(child=child)
    assert (plan.started_on, plan.initial_category, plan.latest_category) == (
        D(2026, 11, 3),
        "PHY",
        "PHY",
    )
    assert plan.next_review_due == D(2027, 2, 3)
    assert child.section47_enquiries.get().concluded_on == D(2026, 11, 3)


def test_a_plan_started_in_error_is_removed_with_its_history_kept(iro, child):
    section47_start(child=child, strategy_discussion_on=D(2026, 10, 20))
    icpc = _held(
        "initial", child, on=D(2026, 11, 2), outcome="plan_started", chair=iro, category="NEG"
    )
    plan = ChildProtectionPlan.objects.get(child=child)
    conference_outcome_correct(
        conference=icpc,
        held_on=D(2026, 11, 2),
        outcomes=[ChildOutcome(child=child, outcome="no_plan")],
        reason="No plan was agreed",
        by=iro.user,
    )
    assert not ChildProtectionPlan.objects.filter(child=child).exists()
    removed = ChildProtectionPlan.history.filter(id=plan.pk).first()
    assert (removed.history_type, removed.history_change_reason) == (
        "-",
        "Removed: No plan was agreed",
    )
    assert not [d for d in open_deadlines() if d.kind == RCPC]


def test_a_plan_that_has_had_a_review_conference_is_not_removed(iro, child):
    section47_start(child=child, strategy_discussion_on=D(2026, 5, 20))
    icpc = _held(
        "initial", child, on=D(2026, 6, 1), outcome="plan_started", chair=iro, category="NEG"
    )
    _held("review", child, on=D(2026, 8, 25), outcome="plan_continued", chair=iro)
    with pytest.raises(ValidationError) as caught:
        conference_outcome_correct(
            conference=icpc,
            held_on=D(2026, 6, 1),
            outcomes=[ChildOutcome(child=child, outcome="no_plan")],
            reason="x",
        )
    assert caught.value.message_dict["outcome-P1"] == [
        PLAN_HAS_REVIEWS.format(name=child.full_name, date="25 August 2026")
    ]
    assert ChildProtectionPlan.objects.filter(child=child).exists()


def test_a_review_that_ended_the_plan_after_all_clears_the_next_review(iro, child):
    section47_start(child=child, strategy_discussion_on=D(2026, 5, 20))
    _held("initial", child, on=D(2026, 6, 1), outcome="plan_started", chair=iro, category="NEG")
    review = _held("review", child, on=D(2026, 8, 25), outcome="plan_continued", chair=iro)
    plan = ChildProtectionPlan.objects.get(child=child)
    assert plan.next_review_due == D(2027, 2, 25)
    conference_outcome_correct(
        conference=review,
        held_on=D(2026, 8, 25),
        outcomes=[ChildOutcome(child=child, outcome="plan_ended")],
        reason="The plan ended at this review",
    )
    plan.refresh_from_db()
    assert (plan.ended_on, plan.next_review_due) == (D(2026, 8, 25), None)
    conference_outcome_correct(
        conference=review,
        held_on=D(2026, 8, 26),
        outcomes=[ChildOutcome(child=child, outcome="plan_continued")],
        reason="It continued, and was held a day later",
    )
    plan.refresh_from_db()
    assert (plan.ended_on, plan.next_review_due) == (None, D(2027, 2, 26))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (post(D(2026, 11, 2), "plan_started", category="NEG", reason=""), "reason", "reason"),
        (post(D(2026, 11, 2), "plan_started", category=""), "category-P1", "category of abuse"),
        (
            {
                **post(D(2026, 11, 2), "plan_started", category="NEG"),
                "held_on_0": "31",
                "held_on_1": "2",
            },
            "held_on",
            "real date",
        ),
        (post(D(2026, 12, 2), "no_plan"), "held_on", "in the past"),
        (post(D(2026, 10, 19), "no_plan"), "held_on", "before the strategy discussion"),
        (post(D(2026, 11, 2), "no_plan"), "held_on", OUTCOME_UNCHANGED),
        (post(D(2026, 11, 2), "plan_ended"), "outcome-P1", ""),
    ],
    ids=[
        "no reason",
        "no category",
        "31 February",
        "future",
        "before the enquiry",
        "nothing changed",
        "not an initial outcome",
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    client, iro, icpc, child, data, field, message
):
    client.force_login(iro.user)
    page = client.post(url(icpc), data)
    assert page.status_code == 400
    errors = page.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    icpc.refresh_from_db()
    assert icpc.held_on == D(2026, 11, 2)
    assert ConferenceChild.objects.get(conference=icpc).outcome == "no_plan"
    assert not ChildProtectionPlan.objects.exists()
    assert icpc.history.count() == 2  # booked, then held


@pytest.mark.parametrize("who", ["chair", "deputy", "head_of_service"])
def test_the_chair_the_deputy_and_the_head_of_service_may_correct(
    request, client, icpc, iro, deputy, who
):
    user = {"chair": iro.user, "deputy": deputy.user}.get(who) or request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(url(icpc)).status_code == 200
    saved = client.post(url(icpc), post(D(2026, 11, 2), "plan_started", category="NEG"))
    assert saved.status_code == 302


@pytest.mark.parametrize("who", ["another_iro", "business_support", "administrator"])
def test_nobody_else_may_correct_and_they_see_no_link(request, client, icpc, who):
    user = _an_iro().user if who == "another_iro" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(url(icpc)).status_code == 403
    data = post(D(2026, 11, 2), "plan_started", category="NEG")
    assert client.post(url(icpc), data).status_code == 403
    page = client.get(reverse("protection:conference", args=[icpc.pk])).content.decode()
    assert url(icpc) not in page
    assert not ChildProtectionPlan.objects.exists()


def test_two_clicks_on_save_correct_once(client, iro, icpc, child):
    client.force_login(iro.user)
    token = TOKEN.findall(client.get(url(icpc)).content.decode())[-1]
    data = {**post(D(2026, 11, 2), "plan_started", category="NEG"), SUBMISSION_FIELD: token}
    assert client.post(url(icpc), data).status_code == 302
    assert client.post(url(icpc), data).status_code == 302
    assert ChildProtectionPlan.objects.filter(child=child).count() == 1
    assert ConferenceChild.objects.get(conference=icpc).history.count() == 3


def test_a_booked_conference_has_no_outcome_to_correct(client, iro, child):
    section47_start(child=child, strategy_discussion_on=D(2026, 11, 20))
    booked = conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 12, 4, 10)),
        venue="Room 1",
        chair=iro,
    )
    client.force_login(iro.user)
    assert client.get(url(booked)).status_code == 409
    page = client.get(reverse("protection:conference", args=[booked.pk])).content.decode()
    assert url(booked) not in page
