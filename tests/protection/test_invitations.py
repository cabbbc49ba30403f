"""Invitations: one per person, corrected or withdrawn with a reason (never deleted),
attendance only once the conference has happened, and sending with a status."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.notify import SendFailed
from protection.invitations import invitation_send, invitation_wording, invitations_due_again
from protection.models import ConferenceInvitation, SendStatus
from protection.services import (
    ATTENDANCE_TOO_EARLY,
    EMAIL_INVITED_TWICE,
    INVITED_TWICE,
    conference_book,
    invitation_add,
    invitation_correct,
    invitation_record_attendance,
    invitation_send_again,
    invitation_withdraw,
    section47_start,
)
from tests.factories import ChildFactory, IROFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_tuesday(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def conference(django_capture_on_commit_callbacks):
    child = ChildFactory(child_id="I1", first_name="Jo", last_name="Example")
    section47_start(child=child, strategy_discussion_on=D(2026, 11, 24))
    return conference_book(
        kind="initial",
        children=[child],
        scheduled_for=timezone.make_aware(dt.datetime(2026, 12, 8, 10)),
        venue="Civic Centre",
        chair=IROFactory(),
    )


def invite(conference, **extra):
    values = {"name": "Sam Example", "kind": "family", "role": "Father"} | extra
    return invitation_add(conference=conference, **values)


def refused(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict[field]


def test_the_same_person_cannot_be_invited_twice_whatever_the_case_or_spacing(conference):
    invite(conference)
    assert refused(lambda: invite(conference, name="  sam   EXAMPLE "), "name") == [
        INVITED_TWICE.format(name="sam EXAMPLE")
    ]
    assert ConferenceInvitation.objects.count() == 1


def test_the_same_email_address_cannot_be_invited_twice(
    conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(conference, delivery="email", email="sam@example.org")
    message = refused(
        lambda: invite(conference, name="S Example", delivery="email", email="SAM@example.org"),
        "email",
    )
    assert message == [EMAIL_INVITED_TWICE.format(email="sam@example.org")]


def test_the_database_refuses_a_second_invitation_of_one_person(conference):
    first = invite(conference)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceInvitation.objects.create(
            conference=conference,
            name="Sam Example",
            name_key=first.name_key,
            kind="family",
            role="Father",
        )


def test_a_withdrawn_invitation_is_kept_with_its_reason_and_the_person_can_be_invited_again(
    conference,
):
    invitation = invite(conference)
    assert refused(lambda: invitation_withdraw(invitation=invitation, reason=" "), "reason")
    invitation_withdraw(invitation=invitation, reason="Invited by mistake")
    invitation.refresh_from_db()
    assert (invitation.withdrawn_on, invitation.withdrawn_reason) == (
        D(2026, 12, 1),
        "Invited by mistake",
    )
    assert invitation.history.first().history_change_reason == "Withdrawn: Invited by mistake"
    invite(conference)
    assert ConferenceInvitation.objects.count() == 2


def test_a_correction_needs_a_reason_and_is_kept_in_the_history(conference):
    invitation = invite(conference)
    values = {
        "name": "Sam Exampel",
        "kind": "family",
        "role": "Father",
        "has_parental_responsibility": True,
        "delivery": "post",
        "email": "",
        "address": "1 High Street",
    }
    assert refused(lambda: invitation_correct(invitation=invitation, **values, reason=""), "reason")
    invitation_correct(invitation=invitation, **values, reason="Name misspelt")
    invitation.refresh_from_db()
    assert invitation.name == "Sam Exampel"
    assert [h.name for h in invitation.history.order_by("history_id")] == [
        "Sam Example",
        "Sam Exampel",
    ]


def test_attendance_waits_until_the_conference_has_happened(conference, time_machine):
    invitation = invite(conference)
    message = refused(
        lambda: invitation_record_attendance(invitation=invitation, attendance="attended"),
        "attendance",
    )
    assert message == [ATTENDANCE_TOO_EARLY.format(date="8 December 2026")]
    time_machine.move_to(dt.datetime(2026, 12, 8, 13, 0, tzinfo=dt.UTC), tick=False)
    invitation_record_attendance(invitation=invitation, attendance="attended")


def test_an_invitation_date_after_the_conference_is_refused(conference, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 9, 9, 0, tzinfo=dt.UTC), tick=False)
    assert refused(lambda: invite(conference, invited_on=D(2026, 12, 9)), "invited_on")


def test_an_email_invitation_is_sent_once_in_plain_english_for_the_family(
    conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(conference, delivery="email", email="sam@example.org")
    invitation.refresh_from_db()
    assert invitation.send_status == SendStatus.SENT
    assert invitation.invited_on == D(2026, 12, 1)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "You are invited to a meeting about Jo Example" in body
    assert "Tuesday 8 December 2026 at 10am" in body
    # Sending again does nothing: the row is no longer queued.
    assert invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


def test_a_professional_gets_the_practical_details(conference):
    invitation = invite(conference, name="Dr Lee", kind="professional", role="GP")
    subject, paragraphs = invitation_wording(invitation)
    assert subject.startswith("Invitation: initial child protection conference")
    assert any("written report" in p for p in paragraphs)


def test_a_failed_send_is_recorded_retried_later_and_can_be_sent_again(
    conference, django_capture_on_commit_callbacks, monkeypatch, client, business_support
):
    def refuse(**kwargs):
        raise SendFailed("GOV.UK Notify refused it: email_address Not a valid email address")

    monkeypatch.setattr("protection.invitations.email_send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(conference, delivery="email", email="sam@example.org")
    invitation.refresh_from_db()
    assert invitation.send_status == SendStatus.FAILED
    assert "Not a valid email address" in invitation.send_error
    assert invitation.next_attempt_at == timezone.now() + dt.timedelta(minutes=5)
    client.force_login(business_support)
    page = client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    assert "Not a valid email address" in page and "Send again" in page
    assert invitations_due_again() == []  # the wait is not over
    assert invitations_due_again(now=timezone.now() + dt.timedelta(minutes=6)) == [invitation.pk]
    monkeypatch.undo()
    ConferenceInvitation.objects.filter(pk=invitation.pk).update(send_status=SendStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send_again(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.send_status == SendStatus.SENT
    assert len(mail.outbox) == 1


def test_a_letter_for_someone_invited_by_post_downloads_as_a_pdf(
    conference, client, business_support
):
    invitation = invite(conference, delivery="post", address="1 High Street\nTown")
    client.force_login(business_support)
    page = client.get(reverse("protection:conference", args=[conference.pk])).content.decode()
    url = reverse("protection:invitation_letter", args=[conference.pk, invitation.pk])
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_an_invitation_by_email_needs_an_address_and_by_post_a_postal_address(
    conference, client, business_support
):
    client.force_login(business_support)
    url = reverse("protection:invite", args=[conference.pk])
    base = {"name": "Sam", "kind": "family", "role": "Father"}
    response = client.post(url, {**base, "delivery": "email"})
    assert "Enter the email address to send the invitation to" in response.content.decode()
    response = client.post(url, {**base, "delivery": "post"})
    assert "Enter the postal address to send the letter to" in response.content.decode()
    assert not ConferenceInvitation.objects.exists()
