"""Review invitations: the child, parents, carers and professionals invited to a booked
looked-after review, once each; kept (and told the new time) when the review moves;
refused on a cancelled or held review; withdrawn with a reason; sent once, by email or
as a letter PDF, with a status and retries."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.invitations import ENTER_WITHDRAWAL_REASON, SendStatus
from core.notify import SendFailed
from reviews.invitations import (
    INVITED_TWICE,
    review_invitation_add,
    review_invitation_send,
    review_invitation_send_again,
    review_invitation_withdraw,
    review_invitations_due_again,
)
from reviews.models import ReviewInvitation
from reviews.services import lac_review_book, lac_review_cancel, lac_review_reschedule

# The clock (Monday 2 June 2025) and Casey, looked after since 1 May.
from tests.reviews.test_booking import at, casey, monday_2_june_2025  # noqa: F401
from tests.reviews.test_services import refused

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def review(casey, iro):  # noqa: F811 (the fixture imported above)
    return lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )


def invite(review, **extra):
    values = {"name": "Sam Example", "kind": "parent", "role": "Father"} | extra
    return review_invitation_add(review=review, **values)


def test_one_invitation_per_person_whatever_the_case_or_spacing(review):
    invite(review)
    assert refused(lambda: invite(review, name=" sam  EXAMPLE"), "name") == [
        INVITED_TWICE.format(name="sam EXAMPLE")
    ]
    assert ReviewInvitation.objects.count() == 1


def test_nobody_can_be_invited_to_a_cancelled_review(review):
    lac_review_cancel(review=review, reason="Child unwell")
    message = refused(lambda: invite(review), "name")
    assert "cancelled (Child unwell)" in message[0]


def test_nobody_can_be_invited_to_a_held_review(review):
    review.status = "held"
    review.held_on = D(2025, 6, 2)
    review.participation_code = "PN1"
    review.save()
    assert "has been held" in refused(lambda: invite(review), "name")[0]


def test_invitations_are_kept_when_the_review_moves_and_invitees_hear_the_new_time(
    review, iro, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(review, delivery="email", email="sam@example.org")
        invite(review, name="Dr Lee", kind="professional", role="GP")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        lac_review_reschedule(
            review=review,
            scheduled_for=at(D(2025, 6, 12)),
            venue="Civic Centre",
            chair=iro,
            reason="Chair on leave",
        )
    assert review.invitations.filter(withdrawn_on__isnull=True).count() == 2
    assert len(mail.outbox) == 2
    assert "12 June 2025" in mail.outbox[1].body and "new time" in mail.outbox[1].body


def test_the_send_task_sends_once_even_if_run_twice(review, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(
            review,
            kind="child",
            name="Casey Example",
            role="Child",
            delivery="email",
            email="casey@example.org",
        )
    invitation.refresh_from_db()
    assert invitation.send_status == SendStatus.SENT
    assert review_invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Your review meeting")


def test_a_failed_send_waits_then_is_tried_again_and_can_be_sent_again(
    review, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(**kwargs):
        raise SendFailed("GOV.UK Notify refused it: Not a valid email address")

    monkeypatch.setattr("reviews.invitations.email_send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(review, delivery="email", email="sam@example.org")
    invitation.refresh_from_db()
    assert invitation.send_status == SendStatus.FAILED
    assert invitation.next_attempt_at == timezone.now() + dt.timedelta(minutes=5)
    assert review_invitations_due_again() == []
    later = timezone.now() + dt.timedelta(minutes=6)
    assert review_invitations_due_again(now=later) == [invitation.pk]
    monkeypatch.undo()
    ReviewInvitation.objects.filter(pk=invitation.pk).update(send_status=SendStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        review_invitation_send_again(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.send_status == SendStatus.SENT


def test_a_withdrawal_needs_a_reason_and_the_person_can_be_invited_again(review):
    invitation = invite(review)
    assert refused(
        lambda: review_invitation_withdraw(invitation=invitation, reason=" "), "reason"
    ) == [ENTER_WITHDRAWAL_REASON]
    review_invitation_withdraw(invitation=invitation, reason="Invited by mistake")
    invitation.refresh_from_db()
    assert invitation.withdrawn_reason == "Invited by mistake"
    invite(review)
    assert ReviewInvitation.objects.count() == 2


def test_business_support_invite_from_the_child_record_and_download_a_letter(
    review, client, business_support
):
    client.force_login(business_support)
    url = reverse("reviews:review_invite", args=[review.pk])
    response = client.post(
        url, {"name": "Jo Carer", "kind": "carer", "role": "Foster carer", "delivery": "post"}
    )
    assert response.status_code == 400
    assert "Enter the postal address to send the letter to" in response.content.decode()
    response = client.post(
        url,
        {
            "name": "Jo Carer",
            "kind": "carer",
            "role": "Foster carer",
            "delivery": "post",
            "address": "1 High Street\nTown",
        },
    )
    assert response.status_code == 302
    invitation = ReviewInvitation.objects.get()
    page = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    letter = reverse("reviews:review_invitation_letter", args=[invitation.pk])
    assert "Jo Carer" in page and letter in page
    response = client.get(letter)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_withdrawing_on_the_page_names_the_missing_reason(review, client, business_support):
    invitation = invite(review)
    client.force_login(business_support)
    url = reverse("reviews:review_invitation_withdraw", args=[invitation.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the invitation is being withdrawn" in response.content.decode()
    assert client.post(url, {"reason": "Moved away"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn
