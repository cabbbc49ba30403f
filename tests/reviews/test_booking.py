"""Booking, moving and cancelling looked-after reviews, and recording one closes its
booking. A booking before care started, or a second booking, is refused; warnings are
confirmed and kept; a move keeps who, when, from what, to what and why."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from iro.services import iro_allocate
from reviews.models import LookedAfterReview, ReviewReschedule
from reviews.services import (
    children_periods_rebuild,
    lac_review_book,
    lac_review_cancel,
    lac_review_record,
    lac_review_reschedule,
)
from tests.factories import ChildFactory, IROFactory, UserFactory
from tests.reviews.test_services import enter_care, refused

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_2_june_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def casey(iro):
    child = ChildFactory(child_id="C1", first_name="Casey", last_name="Example")
    iro_allocate(child=child, iro=iro, started_on=D(2025, 5, 1))
    enter_care(child, D(2025, 5, 1))  # first review due 2 June (two bank holidays in May)
    return child


def _date(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def _booking(day, iro, **extra):
    return {
        **_date("date", day),
        "time": "10:00",
        "venue": "Civic Centre",
        "chair": iro.pk,
        **extra,
    }


def test_a_second_booking_is_refused_naming_the_one_to_move(casey, iro):
    first = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )
    [message] = refused(
        lambda: lac_review_book(
            child=casey, scheduled_for=at(D(2025, 6, 12)), venue="Town Hall", chair=iro
        ),
        "scheduled_for",
    )
    assert message == (
        "Casey Example already has a review booked for 10 June 2025 at 10:00: reschedule "
        "that review instead of booking another"
    )
    assert list(LookedAfterReview.objects.all()) == [first]


def test_a_booking_before_care_started_is_refused(casey, iro):
    [message] = refused(
        lambda: lac_review_book(
            child=casey, scheduled_for=at(D(2025, 4, 20)), venue="Civic Centre", chair=iro
        ),
        "scheduled_for",
    )
    assert "before Casey Example started to be looked after on 1 May 2025" in message


def test_the_booking_page_refuses_a_second_booking_on_the_date_and_links_to_rescheduling(
    client, business_support, casey, iro
):
    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )
    client.force_login(business_support)
    url = reverse("reviews:review_book", args=["C1"])
    page = client.get(url)
    assert reverse("reviews:review_reschedule", args=[booked.pk]) in page.content.decode()

    refusal = client.post(url, _booking(D(2025, 6, 12), iro))
    assert refusal.status_code == 400
    assert "reschedule that review instead" in refusal.context["form"].errors["date"][0]
    assert LookedAfterReview.objects.count() == 1


def test_the_booking_page_refuses_a_date_in_the_past(client, business_support, casey, iro):
    client.force_login(business_support)
    url = reverse("reviews:review_book", args=["C1"])
    too_early = client.post(url, _booking(D(2020, 1, 1), iro))
    assert too_early.status_code == 400
    assert too_early.context["form"].errors["date"] == ["Date must be today or in the future"]
    assert not LookedAfterReview.objects.exists()


def test_the_iro_who_holds_the_child_may_book_their_review_and_another_iro_may_not(
    client, casey, iro
):
    other = IROFactory()
    other.user.groups.add(*iro.user.groups.all())
    url = reverse("reviews:review_book", args=["C1"])
    due_day = D(2025, 6, 2)  # today, at 10am: no warning to confirm

    client.force_login(other.user)
    assert client.get(url).status_code == 403
    assert client.post(url, _booking(due_day, iro)).status_code == 403
    assert not LookedAfterReview.objects.exists()

    client.force_login(iro.user)
    assert client.post(url, _booking(due_day, iro)).status_code == 302
    assert LookedAfterReview.objects.get().chair == iro


def test_warnings_are_confirmed_and_kept_on_the_booking(client, business_support, casey, iro):
    """Saturday 7 June 2025 is a weekend, and after the due date (2 June 2025)."""
    client.force_login(business_support)
    url = reverse("reviews:review_book", args=["C1"])
    warned = client.get(url) and client.post(url, _booking(D(2025, 6, 7), iro))
    assert warned.status_code == 200
    assert "7 June 2025 is a Saturday." in warned.context["warnings"]
    assert not LookedAfterReview.objects.exists()

    booked = client.post(url, _booking(D(2025, 6, 7), iro, confirm_clash="on"))
    assert booked.status_code == 302
    review = LookedAfterReview.objects.get()
    assert review.accepted_warnings == [
        "7 June 2025 is a Saturday.",
        "7 June 2025 is 5 days after it is due (2 June 2025).",
    ]
    record = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    assert "7 June 2025 is 5 days after it is due (2 June 2025)." in record


def test_a_move_keeps_everything_else_and_records_who_when_from_what_and_why(casey, iro):
    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )
    mover = UserFactory(username="mover")
    refused(
        lambda: lac_review_reschedule(
            review=booked,
            scheduled_for=at(D(2025, 6, 11)),
            venue="Civic Centre",
            chair=iro,
            reason=" ",
            by=mover,
        ),
        "reason",
    )
    moved = lac_review_reschedule(
        review=booked,
        scheduled_for=at(D(2025, 6, 11), 14),
        venue="Civic Centre",
        chair=iro,
        reason="Foster carer on holiday",
        by=mover,
    )
    assert moved.pk == booked.pk
    assert (moved.due_on, moved.due_reason) == (booked.due_on, booked.due_reason)
    move = ReviewReschedule.objects.get()
    assert (move.moved_from, move.moved_to) == (at(D(2025, 6, 10)), at(D(2025, 6, 11), 14))
    assert (move.moved_by, move.reason) == (mover, "Foster carer on holiday")
    assert moved.history.first().history_change_reason == "Moved: Foster carer on holiday"


def test_the_child_record_shows_the_move(client, iro, casey):
    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )
    lac_review_reschedule(
        review=booked,
        scheduled_for=at(D(2025, 6, 11), 14),
        venue="Town Hall",
        chair=iro,
        reason="the carer is away",
        by=iro.user,
    )
    client.force_login(iro.user)
    record = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    assert "Moved from 10 June 2025 at 10am to 11 June 2025 at 2pm" in record
    assert (
        "(Civic Centre to Town Hall) by Ada Reviewer on 2 June 2025 because the carer is away"
        in (record)
    )


def test_a_cancelled_review_is_closed_to_changes(client, business_support, casey, iro):
    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )
    refused(lambda: lac_review_cancel(review=booked, reason=""), "cancellation_reason")
    lac_review_cancel(review=booked, reason="Child in hospital", by=business_support)
    with pytest.raises(ValidationError, match="cancelled"):
        lac_review_reschedule(
            review=booked,
            scheduled_for=at(D(2025, 6, 12)),
            venue="Civic Centre",
            chair=iro,
            reason="again",
        )
    client.force_login(business_support)
    for name in ("reviews:review_reschedule", "reviews:review_cancel"):
        page = client.get(reverse(name, args=[booked.pk]))
        assert page.status_code == 409
        assert "This review was cancelled (Child in hospital)" in page.content.decode()
    client.force_login(iro.user)
    page = client.get(reverse("reviews:review_record_booked", args=["C1", booked.pk]))
    assert page.status_code == 409


def test_recording_a_review_directly_records_the_booking_instead_of_leaving_it(casey, iro):
    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )
    held = lac_review_record(child=casey, held_on=D(2025, 6, 2), participation_code="PN1")
    assert held.pk == booked.pk
    assert (held.status, held.venue, held.chair) == ("held", "Civic Centre", iro)
    assert not LookedAfterReview.objects.filter(status="scheduled").exists()
    assert LookedAfterReview.objects.count() == 1


def test_the_record_page_reached_directly_records_the_booking(client, casey, iro):
    lac_review_book(child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro)
    client.force_login(iro.user)
    url = reverse("reviews:review_record", args=["C1"])
    assert "This records the review booked for 10 June 2025" in client.get(url).content.decode()
    saved = client.post(
        url,
        {
            **_date("held_on", D(2025, 6, 2)),
            "participation_code": "PN1",
            "child_seen_alone": "yes",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 302
    assert list(LookedAfterReview.objects.values_list("status", flat=True)) == ["held"]
    record = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    assert "record it" not in record.lower()


def test_only_the_chair_or_a_manager_records_a_booked_review(
    client, casey, iro, business_support, head_of_service
):
    other = IROFactory()
    from core.roles import Role
    from tests.conftest import _with_role

    _with_role(other.user, Role.IRO)
    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=other
    )
    assert not iro.user.has_perm("reviews.record_review", booked)
    # The child's IRO is not the chair: the direct page is the booking's too.
    assert not iro.user.has_perm("reviews.record_review", casey)
    assert other.user.has_perm("reviews.record_review", casey)
    assert head_of_service.has_perm("reviews.record_review", booked)
    client.force_login(iro.user)
    assert client.get(reverse("reviews:review_record", args=["C1"])).status_code == 403
    record = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    assert reverse("reviews:review_record_booked", args=["C1", booked.pk]) not in record
    client.force_login(business_support)
    record = client.get(reverse("children:child_detail", args=["C1"])).content.decode()
    assert reverse("reviews:review_record_booked", args=["C1", booked.pk]) not in record
    assert reverse("reviews:review_reschedule", args=[booked.pk]) in record


def test_a_review_imported_as_held_after_the_booking_records_the_booking(casey, iro):
    """An SSDA903 import adds held reviews through children_periods_rebuild: one held on or
    after the day of booking is the booked review, so no booking (and no "record it"
    link) is left behind; one held before the booking leaves it booked."""
    booked = lac_review_book(
        child=casey, scheduled_for=at(D(2025, 6, 10)), venue="Civic Centre", chair=iro
    )
    earlier = LookedAfterReview(
        child=casey, status="held", held_on=D(2025, 5, 20), participation_code="PN1"
    )
    children_periods_rebuild(child_ids=[casey.pk], reviews_to_add=[earlier])
    assert LookedAfterReview.objects.get(pk=booked.pk).status == "scheduled"

    imported = LookedAfterReview(
        child=casey, status="held", held_on=D(2025, 6, 2), participation_code="PN3"
    )
    children_periods_rebuild(
        child_ids=[casey.pk], reviews_to_add=[imported], change_reason="SSDA903 import"
    )

    booked.refresh_from_db()
    assert (booked.status, booked.held_on, booked.participation_code) == (
        "held",
        D(2025, 6, 2),
        "PN3",
    )
    assert (booked.venue, booked.chair, booked.number) == ("Civic Centre", iro, 2)
    assert booked.history.latest().history_change_reason == "SSDA903 import"
    assert LookedAfterReview.objects.count() == 2
    assert not LookedAfterReview.objects.filter(status="scheduled").exists()
