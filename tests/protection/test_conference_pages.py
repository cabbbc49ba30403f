"""Booking, moving and cancelling conferences, who records the outcome, and the actions
each person sees on the conference page."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from iro.services import iro_allocate
from protection.models import ChildProtectionConference, ConferenceMove
from protection.services import (
    ALREADY_BOOKED,
    BOOKED_BEFORE_ENQUIRY,
    CONFERENCE_CANCELLED,
    conference_book,
    conference_cancel,
    invitation_add,
    invitation_withdraw,
    section47_start,
)
from tests.conftest import _with_role
from tests.factories import ChildFactory, FamilyFactory, IROFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_tuesday(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def booking_post(day, chair, *children, confirm=False, time="10:00"):
    data = {
        "children": [c.child_id for c in children],
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "time": time,
        "venue": "Civic Centre",
        "chair": chair.pk,
    }
    if confirm:
        data["confirm_clash"] = "on"
    return data


@pytest.fixture
def siblings(iro):
    family = FamilyFactory(name="Example")
    children = [
        ChildFactory(child_id=f"B{i}", first_name=n, family=family)
        for i, n in ((1, "Jo"), (2, "Mo"))
    ]
    for child in children:
        iro_allocate(child=child, iro=iro, started_on=D(2026, 10, 1))
        section47_start(child=child, strategy_discussion_on=D(2026, 11, 24))
    return children


def book_url(child):
    return reverse("protection:conference_book") + f"?kind=initial&child={child.child_id}"


def test_a_booking_before_the_strategy_discussion_is_refused_naming_the_date(
    client, business_support, siblings, iro
):
    client.force_login(business_support)
    response = client.post(book_url(siblings[0]), booking_post(D(2026, 11, 23), iro, *siblings))
    assert response.status_code == 400
    expected = BOOKED_BEFORE_ENQUIRY.format(name="Jo Example", date="24 November 2026")
    assert expected in html.unescape(response.content.decode())
    assert 'href="#id_date_0"' in response.content.decode()
    assert not ChildProtectionConference.objects.exists()


def test_a_second_booking_for_a_child_already_booked_is_refused_with_a_link_to_it(
    client, business_support, siblings, iro
):
    first = conference_book(
        kind="initial", children=siblings, scheduled_for=at(D(2026, 12, 8)), venue="Room 1"
    )
    client.force_login(business_support)
    page = client.get(book_url(siblings[0])).content.decode()
    assert reverse("protection:conference", args=[first.pk]) in page
    response = client.post(book_url(siblings[0]), booking_post(D(2026, 12, 9), iro, *siblings))
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        ALREADY_BOOKED.format(name="Jo Example", kind="an initial", date="8 December 2026") in text
    )
    assert ChildProtectionConference.objects.count() == 1


def test_a_booking_after_the_due_date_warns_by_how_many_days_and_keeps_the_warning(
    client, business_support, siblings, iro
):
    # Due 15 working days after 24 November 2026: 15 December 2026.
    client.force_login(business_support)
    response = client.post(book_url(siblings[0]), booking_post(D(2026, 12, 17), iro, *siblings))
    assert "2 days after it is due (15 December 2026)" in response.content.decode()
    assert not ChildProtectionConference.objects.exists()
    client.post(book_url(siblings[0]), booking_post(D(2026, 12, 17), iro, *siblings, confirm=True))
    conference = ChildProtectionConference.objects.get()
    assert conference.booking_warnings == [
        "17 December 2026 is 2 days after it is due (15 December 2026)."
    ]
    page = client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    assert "2 days after it is due" in page


def test_a_deputy_chair_is_kept_and_may_record_the_outcome(client, siblings, iro):
    deputy = IROFactory()
    _with_role(deputy.user, Role.IRO)
    conference = conference_book(
        kind="initial",
        children=siblings,
        scheduled_for=at(D(2026, 11, 30)),
        venue="Room 1",
        chair=iro,
        deputy_chair=deputy,
    )
    client.force_login(deputy.user)
    page = client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    assert "Record the outcome" in page
    assert client.get(reverse("protection:outcome", args=[conference.pk])).status_code == 200


def test_another_iro_cannot_record_the_outcome_nor_sees_the_button(client, siblings, iro):
    other = IROFactory()
    _with_role(other.user, Role.IRO)
    conference = conference_book(
        kind="initial", children=siblings, scheduled_for=at(D(2026, 11, 30)), venue="R", chair=iro
    )
    client.force_login(other.user)
    page = client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    assert "Record the outcome" not in page
    assert client.get(reverse("protection:outcome", args=[conference.pk])).status_code == 403


def test_business_support_see_no_outcome_button_and_an_iro_no_booking_links(
    client, business_support, siblings, iro
):
    conference = conference_book(
        kind="initial", children=siblings, scheduled_for=at(D(2026, 12, 8)), venue="R", chair=iro
    )
    invitation_add(conference=conference, name="A Parent", kind="family", role="Mother")
    url = reverse("protection:conference", args=[conference.pk])
    client.force_login(business_support)
    page = client.get(url).content.decode()
    assert "Record the outcome" not in page
    assert "Cancel the conference" in page and "Invite someone" in page
    client.force_login(iro.user)
    page = client.get(url).content.decode()
    assert "Record the outcome" in page
    for link in ("Cancel the conference", "Invite someone", "Move", "Correct", "Withdraw"):
        assert f">{link}<" not in page, link


def test_moving_a_conference_keeps_its_invitations_and_records_who_when_and_why(
    client, business_support, siblings, iro
):
    conference = conference_book(
        kind="initial", children=siblings, scheduled_for=at(D(2026, 12, 8)), venue="R", chair=iro
    )
    invitation = invitation_add(conference=conference, name="A Parent", kind="family", role="M")
    client.force_login(business_support)
    url = reverse("protection:reschedule", args=[conference.pk])
    data = booking_post(D(2026, 12, 9), iro)
    data.pop("children")
    response = client.post(url, data)
    assert "Enter why the conference is moving" in response.content.decode()
    client.post(url, {**data, "reason": "The chair is ill"})
    conference.refresh_from_db()
    assert timezone.localtime(conference.scheduled_for).date() == D(2026, 12, 9)
    move = ConferenceMove.objects.get()
    assert (move.moved_by, move.reason) == (business_support, "The chair is ill")
    assert timezone.localtime(move.from_scheduled_for).date() == D(2026, 12, 8)
    assert list(conference.invitations.all()) == [invitation]


def test_a_cancelled_conference_refuses_changes_and_shows_no_links(
    client, business_support, siblings, iro
):
    conference = conference_book(
        kind="initial", children=siblings, scheduled_for=at(D(2026, 12, 8)), venue="R", chair=iro
    )
    invitation = invitation_add(conference=conference, name="A Parent", kind="family", role="M")
    conference_cancel(conference=conference, reason="Family moved away")
    client.force_login(business_support)
    page = client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    for link in ("Invite someone", "Cancel the conference", "Correct", "Withdraw"):
        assert f">{link}<" not in page, link
    message = CONFERENCE_CANCELLED.format(reason="Family moved away")
    for name, args in (
        ("protection:invite", [conference.pk]),
        ("protection:minutes", [conference.pk]),
        ("protection:reschedule", [conference.pk]),
        ("protection:attendance", [conference.pk, invitation.pk]),
        ("protection:invitation_correct", [conference.pk, invitation.pk]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 409, name
        assert message in response.content.decode()
    client.force_login(iro.user)
    response = client.get(reverse("protection:outcome", args=[conference.pk]))
    assert response.status_code == 409


def test_the_task_list_shows_where_preparation_stands(client, business_support, siblings, iro):
    conference = conference_book(
        kind="initial", children=siblings, scheduled_for=at(D(2026, 12, 8)), venue="R", chair=iro
    )
    client.force_login(business_support)
    page = client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    assert "govuk-task-list" in page
    assert "Nobody invited yet" in page
    assert "Cannot start yet" in page  # not held: the date has not come


def test_a_withdrawn_invitation_cannot_be_corrected_withdrawn_again_or_marked_attended(
    client, business_support, siblings, iro, time_machine
):
    conference = conference_book(
        kind="initial", children=siblings, scheduled_for=at(D(2026, 12, 8)), venue="R", chair=iro
    )
    invitation = invitation_add(conference=conference, name="A Parent", kind="family", role="M")
    invitation_withdraw(invitation=invitation, reason="Invited by mistake")
    time_machine.move_to(dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC), tick=False)
    client.force_login(business_support)
    for name in (
        "protection:invitation_correct",
        "protection:invitation_withdraw",
        "protection:attendance",
    ):
        response = client.get(reverse(name, args=[conference.pk, invitation.pk]))
        assert response.status_code == 409, name
        assert "The invitation to A Parent was withdrawn" in response.content.decode()
