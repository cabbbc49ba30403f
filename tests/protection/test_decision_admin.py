"""A conference's decisions in the Django admin: listed (withdrawn ones too), opened with
every field read-only, their history shown with who changed them and why; never added or
deleted there (the conference's pages own every change)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from protection.models import ConferenceDecision
from protection.services import (
    ChildOutcome,
    conference_book,
    conference_decision_add,
    conference_decision_correct,
    conference_decision_withdraw,
    conference_record_held,
    section47_start,
)
from tests.factories import ChildFactory, UserFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_tuesday(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def decision(iro):
    child = ChildFactory(child_id="C1", date_of_birth=D(2015, 1, 1))
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
    decision = conference_decision_add(
        conference=conference, action="Arrange a medical", owner="SW", due_on=D(2026, 11, 20)
    )
    return conference_decision_correct(
        decision=decision,
        action="Arrange a medical",
        owner="Social worker",
        due_on=D(2026, 11, 27),
        reason="Owner was shortened",
        by=iro.user,
    )


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_admin_lists_decisions_including_withdrawn_ones(client, superuser, decision, iro):
    conference_decision_withdraw(decision=decision, reason="Recorded twice", by=iro.user)
    page = client.get(reverse("admin:protection_conferencedecision_changelist"))
    assert page.status_code == 200
    assert "Arrange a medical" in page.content.decode()


def test_a_decision_opens_read_only_and_cannot_be_changed_there(client, superuser, decision):
    url = reverse("admin:protection_conferencedecision_change", args=[decision.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="due_on"' not in page.content.decode()
    client.post(url, {"action": "Something else", "owner": "X", "due_on": "2026-12-31"})
    decision.refresh_from_db()
    assert (decision.action, decision.due_on) == ("Arrange a medical", D(2026, 11, 27))


def test_its_history_shows_the_correction_and_why(client, superuser, decision):
    page = client.get(reverse("admin:protection_conferencedecision_history", args=[decision.pk]))
    assert page.status_code == 200
    assert "Owner was shortened" in page.content.decode()


def test_decisions_are_not_added_or_deleted_in_the_admin(client, superuser, decision):
    add = client.get(reverse("admin:protection_conferencedecision_add"))
    delete = client.post(
        reverse("admin:protection_conferencedecision_delete", args=[decision.pk]), {"post": "yes"}
    )
    assert add.status_code == 403
    assert delete.status_code == 403
    assert ConferenceDecision.all_objects.filter(pk=decision.pk).exists()


def test_the_conference_admin_shows_its_decisions(client, superuser, decision):
    page = client.get(
        reverse("admin:protection_childprotectionconference_change", args=[decision.conference_id])
    )
    assert page.status_code == 200
    assert "Arrange a medical" in page.content.decode()
