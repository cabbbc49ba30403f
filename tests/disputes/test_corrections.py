"""A challenge's details and its stages can be corrected, with a reason, by the raising IRO
or a manager; what they said is kept. Impossible dates are refused, and the same
challenge is not raised twice."""

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import ValidationError

from disputes.models import Dispute, DisputeCorrection, DisputeLevel
from disputes.services import (
    CHALLENGE_ALREADY_OPEN,
    NOTHING_CORRECTED,
    RAISED_AFTER_STAGE,
    REASON_REQUIRED,
    RESPONSE_BEFORE_STAGE,
    STAGE_AFTER_NEXT,
    STAGE_BEFORE_RAISED,
    dispute_correct,
    dispute_escalate,
    dispute_raise,
    dispute_stage_correct,
    dispute_stage_respond,
    dispute_withdraw,
)
from iro.services import iro_allocate
from tests.factories import ChildFactory, IROFactory

D = dt.date
RAISED = D(2025, 5, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def child():
    return ChildFactory(child_id="C1")


@pytest.fixture
def dispute(iro, child):
    return dispute_raise(
        child=child, raised_by=iro, raised_on=RAISED, category="drift", summary="No plan."
    )


def escalate(dispute, rank, started_on):
    return dispute_escalate(
        dispute=dispute,
        level=DisputeLevel.objects.get(rank=rank),
        addressee="Pat Manager",
        started_on=started_on,
    )


def refused(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[field])


def seen(client, url):
    """The page's record of what it showed (core.forms.GuardedForm), as a browser sends it."""
    found = re.search(r'name="seen" value="([^"]*)"', client.get(url).content.decode())
    assert found, "the page carries what it showed"
    return {"seen": html.unescape(found[1])}


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def correct(dispute, **changes):
    values = {
        "category": dispute.category,
        "summary": dispute.summary,
        "raised_on": dispute.raised_on,
        "reason": "Typed in error",
        "corrected_by": None,
        **changes,
    }
    return dispute_correct(dispute=dispute, **values)


def correct_stage(stage, **changes):
    values = {
        "addressee": stage.addressee,
        "started_on": stage.started_on,
        "responded_on": stage.responded_on,
        "response": stage.response,
        "reason": "Typed in error",
        "corrected_by": None,
        **changes,
    }
    return dispute_stage_correct(stage=stage, **values)


# The same challenge twice


def test_the_same_challenge_for_the_same_child_and_day_is_not_raised_twice(iro, dispute, child):
    again = refused(
        lambda: dispute_raise(
            child=child, raised_by=iro, raised_on=RAISED, category="drift", summary="No plan."
        ),
        "category",
    )
    assert again == CHALLENGE_ALREADY_OPEN.format(category="drift or delay", date="1 May 2025")
    assert Dispute.objects.count() == 1
    # Another concern, another day, or once the first is closed: a challenge of its own.
    dispute_raise(
        child=child, raised_by=iro, raised_on=RAISED, category="other", summary="Contact."
    )
    dispute_raise(
        child=child, raised_by=iro, raised_on=D(2025, 5, 2), category="drift", summary="Drift."
    )
    dispute_withdraw(dispute=dispute, withdrawn_on=D(2025, 5, 5), reason="Raised in error")
    dispute_raise(
        child=child, raised_by=iro, raised_on=RAISED, category="drift", summary="No plan."
    )
    assert Dispute.objects.count() == 4


def test_two_quick_presses_of_raise_make_one_challenge(client, iro, child):
    iro_allocate(child=child, iro=iro, started_on=RAISED - dt.timedelta(days=90))
    client.force_login(iro.user)
    data = {"category": "drift", "summary": "No plan.", **date_fields("raised_on", RAISED)}
    assert client.post("/challenges/new/C1/", data).status_code == 302
    second = client.post("/challenges/new/C1/", data)
    assert second.status_code == 400
    assert "is already open" in second.content.decode()
    assert Dispute.objects.count() == 1


def test_withdrawing_a_challenge_needs_a_reason(client, iro, dispute):
    client.force_login(iro.user)
    page = client.post(
        f"/challenges/{dispute.pk}/withdraw/",
        {"reason": "  ", **date_fields("withdrawn_on", D(2025, 5, 5))},
    )
    assert page.status_code == 400
    assert "Enter why the challenge is being withdrawn" in page.content.decode()
    dispute.refresh_from_db()
    assert dispute.is_open


# Correcting the challenge


def test_a_corrected_challenge_keeps_what_it_said_and_why(client, iro, dispute):
    client.force_login(iro.user)
    url = f"/challenges/{dispute.pk}/correct/"
    page = client.post(
        url,
        {
            **seen(client, url),
            "category": "care_planning",
            "summary": "No plan.",
            **date_fields("raised_on", D(2025, 4, 30)),
            "reason": "Raised the day before, by telephone",
        },
        follow=True,
    )
    html = page.content.decode()
    assert "Challenge corrected" in html
    dispute.refresh_from_db()
    assert (dispute.category, dispute.raised_on) == ("care_planning", D(2025, 4, 30))
    correction = DisputeCorrection.objects.get()
    assert correction.changes == {
        "category": ["Drift or delay", "Care planning"],
        "raised_on": ["1 May 2025", "30 April 2025"],
    }
    assert "Raised the day before, by telephone" in html
    assert "Date raised: 1 May 2025 to 30 April 2025" in html


def test_a_correction_refuses_impossible_dates_and_needs_a_reason(dispute):
    escalate(dispute, 1, D(2025, 5, 6))
    assert refused(
        lambda: correct(dispute, raised_on=D(2025, 5, 7)), "raised_on"
    ) == RAISED_AFTER_STAGE.format(date="6 May 2025")
    assert "must be today or in the past" in refused(
        lambda: correct(dispute, raised_on=D(2025, 6, 3)), "raised_on"
    )
    assert refused(lambda: correct(dispute, summary="x", reason=""), "reason") == REASON_REQUIRED
    assert refused(lambda: correct(dispute), "category") == NOTHING_CORRECTED
    assert not DisputeCorrection.objects.exists()


def test_the_correction_page_refuses_a_raised_date_in_the_future(client, iro, dispute):
    client.force_login(iro.user)
    page = client.post(
        f"/challenges/{dispute.pk}/correct/",
        {
            "category": "drift",
            "summary": "No plan.",
            **date_fields("raised_on", D(2025, 6, 3)),
            "reason": "x",
        },
    )
    assert page.status_code == 400
    assert "Date the challenge was raised must be today or in the past" in (page.content.decode())


# Correcting a stage


def test_a_corrected_escalation_date_moves_the_deadlines(dispute):
    stage = escalate(dispute, 1, D(2025, 5, 6))
    correction = correct_stage(stage, started_on=D(2025, 5, 7), addressee="Pat Manager-Jones")
    stage.refresh_from_db()
    dispute.refresh_from_db()
    assert stage.response_due_on == D(2025, 5, 14)
    assert "7 May 2025" in stage.response_due_reason
    assert "7 May 2025" in dispute.formal_due_reason
    assert correction.stage == stage
    assert correction.changes["addressee"] == ["Pat Manager", "Pat Manager-Jones"]


def test_a_stage_correction_refuses_impossible_dates(dispute):
    first = escalate(dispute, 1, D(2025, 5, 6))
    dispute_stage_respond(stage=first, responded_on=D(2025, 5, 8), response="No.")
    escalate(dispute, 2, D(2025, 5, 12))
    first.refresh_from_db()
    assert refused(
        lambda: correct_stage(first, started_on=D(2025, 4, 30)), "started_on"
    ) == STAGE_BEFORE_RAISED.format(date="1 May 2025")
    assert STAGE_AFTER_NEXT.format(date="12 May 2025") in refused(
        lambda: correct_stage(first, started_on=D(2025, 5, 13)), "started_on"
    )
    assert refused(
        lambda: correct_stage(first, responded_on=D(2025, 5, 5)), "responded_on"
    ) == RESPONSE_BEFORE_STAGE.format(date="6 May 2025")
    assert "must be today or in the past" in refused(
        lambda: correct_stage(first, responded_on=D(2025, 6, 3)), "responded_on"
    )
    assert refused(lambda: correct_stage(first, response=" "), "response")
    assert not DisputeCorrection.objects.exists()


def test_a_stage_awaiting_a_response_is_corrected_without_asking_for_one(client, iro, dispute):
    stage = escalate(dispute, 1, D(2025, 5, 6))
    client.force_login(iro.user)
    url = f"/challenges/{dispute.pk}/stages/{stage.pk}/correct/"
    assert "What did they say?" not in client.get(url).content.decode()
    page = client.post(
        url,
        {
            **seen(client, url),
            "addressee": "Pat Manager",
            **date_fields("started_on", D(2025, 5, 7)),
            "reason": "x",
        },
        follow=True,
    )
    assert "Stage corrected: response due 14 May 2025" in page.content.decode()
    stage.refresh_from_db()
    assert stage.responded_on is None


# Who may correct


def test_only_the_raising_iro_or_a_manager_sees_and_may_use_the_correct_links(
    client, iro, dispute, business_support, head_of_service, administrator
):
    stage = escalate(dispute, 1, D(2025, 5, 6))
    other = IROFactory(user__username="other-iro")
    other.user.groups.add(*iro.user.groups.all())
    urls = [
        f"/challenges/{dispute.pk}/correct/",
        f"/challenges/{dispute.pk}/stages/{stage.pk}/correct/",
    ]
    for user, allowed in [
        (iro.user, True),
        (head_of_service, True),
        (administrator, True),
        (other.user, False),
        (business_support, False),
    ]:
        client.force_login(user)
        detail = client.get(f"/challenges/{dispute.pk}/").content.decode()
        for url in urls:
            assert (url in detail) is allowed, (user, url)
            assert client.get(url).status_code == (200 if allowed else 403)
    client.force_login(business_support)
    client.post(urls[0], {"category": "other", "summary": "x", "reason": "x"})
    dispute.refresh_from_db()
    assert dispute.category == "drift"


def test_a_correction_from_a_page_drawn_before_another_is_refused_saying_what_changed(
    client, iro, dispute
):
    client.force_login(iro.user)
    url = f"/challenges/{dispute.pk}/correct/"
    stale = seen(client, url)
    correct(dispute, summary="No plan for six months.")
    page = client.post(
        url,
        {
            **stale,
            "category": "other",
            "summary": "No plan.",
            **date_fields("raised_on", RAISED),
            "reason": "Wrong category",
        },
    )
    assert page.status_code == 400
    assert "Someone else saved a change while you had this page open" in page.content.decode()
    dispute.refresh_from_db()
    assert (dispute.category, dispute.summary) == ("drift", "No plan for six months.")
