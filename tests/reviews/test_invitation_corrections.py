"""A review's invitations are corrected with a reason (kept in the history), and once
the review is held, who attended and how they contributed is recorded. A held or
cancelled review's invitations cannot be withdrawn, and no link offers it."""

import datetime as dt

import pytest
from django.urls import reverse

from core.invitations import ENTER_CORRECTION_REASON, SendStatus
from core.roles import Role
from core.submissions import SENT_TWICE, SUBMISSION_FIELD
from reviews.invitations import (
    ATTENDANCE_BEFORE_HELD,
    ATTENDED_ELSEWHERE,
    CORRECTION_CLOSED,
    INVITED_TWICE,
    NOT_THERE,
    WITHDRAWAL_CLOSED,
    review_invitation_attendance_record,
    review_invitation_correct,
    review_invitation_withdraw,
)
from reviews.models import ReviewInvitation, ReviewStatus
from reviews.services import lac_review_cancel, lac_review_record

# The clock (Monday 2 June 2025) and Casey, looked after since 1 May, with a booked review.
from tests.conftest import _with_role
from tests.factories import IROFactory
from tests.reviews.test_booking import at, casey, monday_2_june_2025  # noqa: F401
from tests.reviews.test_episode_corrections import TOKEN
from tests.reviews.test_invitations import invite, review  # noqa: F401
from tests.reviews.test_services import refused

D = dt.date
pytestmark = pytest.mark.django_db


def _correction(invitation, **changes):
    return {
        "name": invitation.name,
        "kind": invitation.kind,
        "role": invitation.role,
        "delivery": invitation.delivery,
        "email": invitation.email,
        "address": invitation.address,
        "reason": "Name misspelt",
    } | changes


def _held(booked):
    return lac_review_record(
        child=booked.child, held_on=D(2025, 6, 2), participation_code="PN1", review=booked
    )


# Correcting -------------------------------------------------------------------------


def test_a_corrected_invitation_keeps_what_it_said_before_and_why(review):  # noqa: F811
    invitation = invite(review, delivery="post", address="1 High Street")

    review_invitation_correct(
        invitation=invitation, **_correction(invitation, name="Sam Exampel", role="Stepfather")
    )

    invitation.refresh_from_db()
    assert (invitation.name, invitation.role) == ("Sam Exampel", "Stepfather")
    latest = invitation.history.latest()
    assert latest.history_change_reason == "Corrected: Name misspelt"
    assert invitation.history.earliest().name == "Sam Example"


def test_a_corrected_email_address_is_sent_to_afresh_while_the_review_is_booked(
    review,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    invitation = invite(review, delivery="post", address="1 High Street")
    with django_capture_on_commit_callbacks(execute=True):
        review_invitation_correct(
            invitation=invitation,
            **_correction(invitation, delivery="email", email="Sam@Example.org", reason="Email"),
        )
    invitation.refresh_from_db()
    assert (invitation.email, invitation.send_status) == ("sam@example.org", SendStatus.SENT)


def test_a_correction_needs_a_reason_and_cannot_make_someone_invited_twice(review):  # noqa: F811
    invite(review, name="Jo Carer", kind="carer", role="Foster carer")
    invitation = invite(review)
    assert refused(
        lambda: review_invitation_correct(
            invitation=invitation, **_correction(invitation, reason="")
        ),
        "reason",
    ) == [ENTER_CORRECTION_REASON]
    assert refused(
        lambda: review_invitation_correct(
            invitation=invitation, **_correction(invitation, name="jo  carer")
        ),
        "name",
    ) == [INVITED_TWICE.format(name="jo carer")]
    invitation.refresh_from_db()
    assert invitation.name == "Sam Example"
    assert invitation.history.count() == 1


def test_a_cancelled_reviews_invitations_cannot_be_corrected(review):  # noqa: F811
    invitation = invite(review)
    lac_review_cancel(review=review, reason="Child unwell")
    [message] = refused(
        lambda: review_invitation_correct(invitation=invitation, **_correction(invitation)), "name"
    )
    assert message == CORRECTION_CLOSED.format(reason="Child unwell")


# Attendance -------------------------------------------------------------------------


def test_attendance_is_recorded_once_the_review_is_held(review):  # noqa: F811
    invitation = invite(review)
    assert refused(
        lambda: review_invitation_attendance_record(
            invitation=invitation, attendance="attended", contribution="in_person"
        ),
        "attendance",
    ) == [ATTENDANCE_BEFORE_HELD]

    _held(review)
    review_invitation_attendance_record(
        invitation=invitation, attendance="apologies", contribution="in_writing"
    )

    invitation.refresh_from_db()
    assert (invitation.attendance, invitation.contribution) == ("apologies", "in_writing")
    assert invitation.history.latest().history_change_reason == "Attendance recorded"


def test_how_someone_contributed_must_fit_whether_they_came(review):  # noqa: F811
    invitation = invite(review)
    _held(review)
    assert refused(
        lambda: review_invitation_attendance_record(
            invitation=invitation, attendance="attended", contribution="in_writing"
        ),
        "contribution",
    ) == [ATTENDED_ELSEWHERE]
    assert refused(
        lambda: review_invitation_attendance_record(
            invitation=invitation, attendance="did_not_attend", contribution="remotely"
        ),
        "contribution",
    ) == [NOT_THERE]
    assert ReviewInvitation.objects.get(pk=invitation.pk).attendance == ""


# Withdrawing ------------------------------------------------------------------------


def test_a_held_or_cancelled_reviews_invitations_cannot_be_withdrawn(review, casey, iro):  # noqa: F811
    invitation = invite(review)
    _held(review)
    assert refused(
        lambda: review_invitation_withdraw(invitation=invitation, reason="Not needed"), "reason"
    ) == [WITHDRAWAL_CLOSED[ReviewStatus.HELD]]

    from reviews.services import lac_review_book

    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 9, 1)), venue="Civic Centre", chair=iro
    )
    second = invite(booked)
    lac_review_cancel(review=booked, reason="Child unwell")
    assert refused(
        lambda: review_invitation_withdraw(invitation=second, reason="Not needed"), "reason"
    ) == [WITHDRAWAL_CLOSED[ReviewStatus.CANCELLED].format(reason="Child unwell")]
    assert not ReviewInvitation.objects.filter(withdrawn_on__isnull=False).exists()


# The pages --------------------------------------------------------------------------


def test_a_held_reviews_invitation_offers_attendance_and_correction_but_no_withdrawal(
    client,
    review,  # noqa: F811
    business_support,
):
    invitation = invite(review)
    client.force_login(business_support)
    record_url = reverse("children:child_detail", args=["C1"])
    withdraw = reverse("reviews:review_invitation_withdraw", args=[invitation.pk])
    attendance = reverse("reviews:review_invitation_attendance", args=[invitation.pk])
    page = client.get(record_url).content.decode()
    assert withdraw in page and attendance not in page
    assert client.get(attendance).status_code == 409
    assert ATTENDANCE_BEFORE_HELD in client.get(attendance).content.decode()

    _held(review)

    page = client.get(record_url).content.decode()
    assert withdraw not in page
    assert attendance in page
    assert reverse("reviews:review_invitation_correct", args=[invitation.pk]) in page
    refused_page = client.get(withdraw)
    assert refused_page.status_code == 409
    assert WITHDRAWAL_CLOSED[ReviewStatus.HELD] in refused_page.content.decode()
    assert client.post(withdraw, {"reason": "Not needed"}).status_code == 409
    assert not ReviewInvitation.objects.get(pk=invitation.pk).withdrawn


def test_attendance_on_the_page_names_the_missing_answer_then_saves_once(
    client,
    review,  # noqa: F811
    business_support,
):
    invitation = invite(review)
    _held(review)
    client.force_login(business_support)
    url = reverse("reviews:review_invitation_attendance", args=[invitation.pk])
    page = client.post(url, {"attendance": "attended"})
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"contribution"}
    assert '<a href="#id_contribution' in page.content.decode()
    page = client.post(url, {"attendance": "attended", "contribution": "in_writing"})
    assert page.context["form"].errors["contribution"] == [ATTENDED_ELSEWHERE]

    token = TOKEN.search(client.get(url).content.decode()).group(1)
    data = {"attendance": "attended", "contribution": "in_person", SUBMISSION_FIELD: token}
    assert client.post(url, data).status_code == 302
    assert SENT_TWICE in client.post(url, data, follow=True).content.decode()
    assert invitation.history.filter(history_change_reason="Attendance recorded").count() == 1
    record = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    assert "Attended: in person at the review" in record


def test_correcting_on_the_page_names_the_field_and_saves_nothing_until_right(
    client,
    review,  # noqa: F811
    iro,
):
    invitation = invite(review)
    client.force_login(iro.user)
    url = reverse("reviews:review_invitation_correct", args=[invitation.pk])
    page = client.post(url, _correction(invitation, delivery="email", email=""))
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {"email"}
    assert ReviewInvitation.objects.get(pk=invitation.pk).history.count() == 1
    saved = client.post(url, _correction(invitation, name="Sam Exampel"), follow=True)
    assert "The invitation to Sam Exampel is corrected." in saved.content.decode()


def test_who_may_correct_an_invitation_or_record_attendance(
    client,
    review,  # noqa: F811
    business_support,
    head_of_service,
):
    invitation = invite(review)
    _held(review)
    other_iro = IROFactory()
    _with_role(other_iro.user, Role.IRO)
    urls = [
        reverse("reviews:review_invitation_correct", args=[invitation.pk]),
        reverse("reviews:review_invitation_attendance", args=[invitation.pk]),
    ]
    for user, status in [(business_support, 200), (other_iro.user, 403), (head_of_service, 403)]:
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [status, status], user
