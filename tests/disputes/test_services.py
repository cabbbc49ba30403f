"""Recording the dispute resolution process: informal first, then formal stages.

Deadlines follow RULES.md pinned convention 7; the ladder is the default one the data
migration installs. Bad input is refused whole: nothing is half-saved.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from disputes.models import Dispute, DisputeLevel, DisputeStage
from disputes.services import (
    dispute_escalate,
    dispute_raise,
    dispute_refer_to_cafcass,
    dispute_resolve,
    dispute_stage_respond,
)
from tests.case_factories import DisputeFactory
from tests.factories import ChildFactory, IROFactory
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


def level(rank):
    return DisputeLevel.objects.get(rank=rank)


def escalate(dispute, rank, started_on, addressee="Jo Manager"):
    return dispute_escalate(
        dispute=dispute, level=level(rank), addressee=addressee, started_on=started_on
    )


def stage_deadlines(dispute):
    return [
        d
        for d in open_deadlines(as_of=TODAY)
        if d.kind == "dispute_stage" and d.child == dispute.child.child_id
    ]


# Raising a challenge


def test_a_challenge_starts_informally():
    child, iro = ChildFactory(), IROFactory()
    dispute = dispute_raise(
        child=child,
        raised_by=iro,
        raised_on=D(2025, 1, 6),
        category="no_social_worker",
        summary="No social worker allocated for eight weeks.",
    )
    dispute.refresh_from_db()
    assert dispute.status == "informal"
    assert (dispute.raised_by, dispute.category) == (iro, "no_social_worker")
    assert dispute.formal_due_on is None
    assert not dispute.stages.exists()


def test_a_challenge_needs_a_summary_and_a_known_category():
    child = ChildFactory()
    with pytest.raises(ValidationError) as exc:
        dispute_raise(
            child=child,
            raised_by=IROFactory(),
            raised_on=D(2025, 1, 6),
            category="grumbling",
            summary="   ",
        )
    errors = exc.value.message_dict
    assert "Choose what the challenge is about" in errors["category"]
    assert "Describe the concern" in errors["summary"]
    assert not Dispute.objects.filter(child=child).exists()


def test_a_challenge_cannot_be_raised_in_the_future():
    child = ChildFactory()
    message = refused(
        lambda: dispute_raise(
            child=child,
            raised_by=IROFactory(),
            raised_on=D(2025, 6, 3),
            category="drift",
            summary="Drift.",
        ),
        "raised_on",
    )
    assert "must be today or in the past" in message
    assert not Dispute.objects.filter(child=child).exists()


# Escalating to formal stages


def test_the_first_formal_stage_is_answered_within_five_working_days_across_christmas():
    dispute = DisputeFactory(raised_on=D(2024, 12, 16))
    stage = escalate(dispute, 1, D(2024, 12, 20), addressee="Pat Team-Manager")

    stage.refresh_from_db()
    assert (stage.level.name, stage.addressee) == ("Team manager", "Pat Team-Manager")
    assert stage.response_due_on == D(2024, 12, 31)  # Christmas and Boxing Day skipped
    assert stage.outcome == ""
    dispute.refresh_from_db()
    assert dispute.status == "formal"
    assert dispute.formal_due_on == D(2025, 1, 22)  # 20 working days from the first stage


def test_levels_may_be_skipped_and_the_earlier_stage_counts_as_escalated():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    first = escalate(dispute, 1, D(2025, 1, 13))
    third = escalate(dispute, 3, D(2025, 1, 15), addressee="Head of Service")

    first.refresh_from_db()
    assert first.outcome == "escalated"
    assert (third.level.rank, third.response_due_on) == (3, D(2025, 1, 22))
    dispute.refresh_from_db()
    assert dispute.status == "formal"
    assert dispute.formal_due_on == D(2025, 2, 10)  # still counted from the first stage


def test_a_challenge_cannot_go_back_to_the_same_or_a_lower_level():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    escalate(dispute, 2, D(2025, 1, 13))
    for rank, name in [(2, "Service manager"), (1, "Team manager")]:
        message = refused(lambda rank=rank: escalate(dispute, rank, D(2025, 1, 20)), "level")
        assert f"already been put to {name} or higher" in message
    assert list(dispute.stages.values_list("level__rank", "outcome")) == [(2, "")]


def test_a_stage_cannot_start_before_the_challenge_was_raised():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    message = refused(lambda: escalate(dispute, 1, D(2025, 1, 3)), "started_on")
    assert "cannot start before the challenge was raised" in message
    dispute.refresh_from_db()
    assert (dispute.status, dispute.formal_due_on) == ("informal", None)
    assert not DisputeStage.objects.exists()


def test_a_stage_cannot_start_before_the_previous_stage():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    first = escalate(dispute, 1, D(2025, 1, 13))
    message = refused(lambda: escalate(dispute, 2, D(2025, 1, 10)), "started_on")
    assert "cannot start before the previous stage" in message
    first.refresh_from_db()
    assert first.outcome == ""
    assert dispute.stages.count() == 1


def test_a_stage_needs_an_addressee():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    refused(lambda: escalate(dispute, 1, D(2025, 1, 13), addressee=" "), "addressee")
    assert not dispute.stages.exists()


# Responses and the deadlines list


def test_an_open_formal_stage_is_a_deadline_until_it_is_answered():
    dispute = DisputeFactory(raised_on=D(2025, 5, 1))
    stage = escalate(dispute, 1, D(2025, 5, 23))

    [deadline] = stage_deadlines(dispute)
    assert (deadline.due, deadline.status) == (D(2025, 6, 2), "due")  # late May bank holiday
    assert deadline.reason == "5 working days after escalation to team manager on 23 May 2025"

    dispute_stage_respond(stage=stage, responded_on=D(2025, 5, 30), response="Worker allocated.")
    stage.refresh_from_db()
    assert (stage.responded_on, stage.response) == (D(2025, 5, 30), "Worker allocated.")
    assert stage_deadlines(dispute) == []


def test_a_stage_escalated_past_no_longer_awaits_a_response():
    dispute = DisputeFactory(raised_on=D(2025, 5, 1))
    escalate(dispute, 1, D(2025, 5, 12))
    escalate(dispute, 3, D(2025, 5, 23), addressee="Head of Service")
    assert [d.reason for d in stage_deadlines(dispute)] == [
        "5 working days after escalation to head of service on 23 May 2025"
    ]


def test_a_response_before_the_stage_started_is_refused():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    stage = escalate(dispute, 1, D(2025, 1, 13))
    message = refused(
        lambda: dispute_stage_respond(
            stage=stage, responded_on=D(2025, 1, 10), response="Worker allocated."
        ),
        "responded_on",
    )
    assert "The response cannot be before 13 January 2025" in message
    stage.refresh_from_db()
    assert (stage.responded_on, stage.response) == (None, "")
    assert len(stage_deadlines(dispute)) == 1


# Resolution


def test_a_challenge_resolved_before_any_formal_stage_is_resolved_informally():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 9), outcome="Social worker allocated.")
    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_on) == ("resolved", D(2025, 1, 9))
    assert dispute.resolved_at_level is None
    assert dispute.outcome == "Social worker allocated."


def test_a_formal_challenge_is_resolved_at_the_highest_level_it_reached():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    first = escalate(dispute, 1, D(2025, 1, 13))
    third = escalate(dispute, 3, D(2025, 1, 20))

    dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 24), outcome="Placement funded.")

    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_on) == ("resolved", D(2025, 1, 24))
    assert dispute.resolved_at_level == level(3)
    assert dispute.outcome == "Placement funded."
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.outcome == "escalated"
    assert (third.outcome, third.responded_on, third.response) == (
        "resolved",
        D(2025, 1, 24),
        "Placement funded.",
    )
    assert stage_deadlines(dispute) == []


def test_resolving_keeps_a_response_already_recorded_at_the_last_stage():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    stage = escalate(dispute, 2, D(2025, 1, 13))
    dispute_stage_respond(stage=stage, responded_on=D(2025, 1, 16), response="Panel on Tuesday.")
    dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 22), outcome="Panel agreed funding.")
    stage.refresh_from_db()
    assert (stage.outcome, stage.responded_on, stage.response) == (
        "resolved",
        D(2025, 1, 16),
        "Panel on Tuesday.",
    )


def test_a_resolution_needs_an_outcome_and_is_refused_whole():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    stage = escalate(dispute, 1, D(2025, 1, 13))
    refused(
        lambda: dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 20), outcome=""),
        "outcome",
    )
    dispute.refresh_from_db()
    stage.refresh_from_db()
    assert (dispute.status, dispute.resolved_on, dispute.resolved_at_level) == (
        "formal",
        None,
        None,
    )
    assert (stage.outcome, stage.responded_on) == ("", None)


def test_a_challenge_cannot_be_resolved_before_it_was_raised():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    message = refused(
        lambda: dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 3), outcome="Done."),
        "resolved_on",
    )
    assert "cannot be resolved before it was raised" in message
    dispute.refresh_from_db()
    assert dispute.status == "informal"


def test_a_challenge_cannot_be_resolved_before_its_last_stage_started():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    stage = escalate(dispute, 1, D(2025, 1, 13))
    message = refused(
        lambda: dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 8), outcome="Done."),
        "resolved_on",
    )
    assert "13 January 2025" in message
    stage.refresh_from_db()
    assert stage.responded_on is None


def test_a_resolved_challenge_cannot_be_resolved_again():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 9), outcome="Worker allocated.")
    refused(
        lambda: dispute_resolve(dispute=dispute, resolved_on=D(2025, 2, 3), outcome="Again."),
        "status",
    )
    dispute.refresh_from_db()
    assert (dispute.resolved_on, dispute.outcome) == (
        D(2025, 1, 9),
        "Worker allocated.",
    )


def test_a_resolved_challenge_cannot_be_escalated():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    dispute_resolve(dispute=dispute, resolved_on=D(2025, 1, 9), outcome="Worker allocated.")
    message = refused(lambda: escalate(dispute, 1, D(2025, 1, 13)), "dispute")
    assert "This challenge is closed" in message
    assert not dispute.stages.exists()


# Cafcass


def test_a_referral_to_cafcass_is_recorded_once():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    escalate(dispute, 1, D(2025, 1, 13))
    dispute_refer_to_cafcass(dispute=dispute, referred_on=D(2025, 2, 3))
    dispute.refresh_from_db()
    assert dispute.cafcass_referred_on == D(2025, 2, 3)

    message = refused(
        lambda: dispute_refer_to_cafcass(dispute=dispute, referred_on=D(2025, 2, 10)),
        "cafcass_referred_on",
    )
    assert "already been referred to Cafcass" in message
    dispute.refresh_from_db()
    assert dispute.cafcass_referred_on == D(2025, 2, 3)


def test_a_cafcass_referral_cannot_be_before_the_challenge():
    dispute = DisputeFactory(raised_on=D(2025, 1, 6))
    refused(
        lambda: dispute_refer_to_cafcass(dispute=dispute, referred_on=D(2025, 1, 2)),
        "cafcass_referred_on",
    )
    dispute.refresh_from_db()
    assert dispute.cafcass_referred_on is None
