"""A recorded carer review can be corrected or withdrawn, with a reason, by whoever recorded
it or a manager: what it said is kept, and a withdrawn review leaves the schedule and the
figures but stays on the household's record."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fostering.figures import carer_reviews_held
from fostering.models import CarerReviewCorrection, FosterCarerReview
from fostering.services import (
    FIRST_REVIEW_TO_PANEL,
    NOTHING_CORRECTED,
    REVIEW_SAME_DAY,
    REVIEW_WITHDRAWN,
    carer_review_correct,
    carer_review_record,
    carer_review_withdraw,
    household_approve,
)
from tests.factories import UserFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def household():
    return household_approve(reference="FC-0101", name="Jo Carer", approved_on=D(2023, 6, 5))


@pytest.fixture
def officer():
    return UserFactory(first_name="Rae", last_name="Officer")


def record(household, held_on, by=None, officer=None, **extra):
    review, _ = carer_review_record(
        household=household,
        held_on=held_on,
        reviewing_officer=officer,
        referred_to_panel=True,
        recommendation="Continue approval.",
        recorded_by=by,
        **extra,
    )
    return review


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def correct(review, **changes):
    values = {
        "held_on": review.held_on,
        "reviewing_officer": review.reviewing_officer,
        "referred_to_panel": review.referred_to_panel,
        "panel_on": review.panel_on,
        "recommendation": review.recommendation,
        "reason": "Typed the wrong date",
        "corrected_by": None,
        **changes,
    }
    return carer_review_correct(review=review, **values)


def refused(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[field])


def test_a_corrected_date_moves_the_next_review_and_keeps_what_it_said(household):
    review = record(household, D(2024, 5, 20))
    correction, _ = correct(review, held_on=D(2024, 5, 28))
    household.refresh_from_db()
    assert household.next_review_due == D(2025, 5, 28)
    assert correction.changes == {"held_on": ["20 May 2024", "28 May 2024"]}
    assert correction.reason == "Typed the wrong date"
    review.refresh_from_db()
    assert review.held_on == D(2024, 5, 28)
    assert review.history.count() >= 2  # every version is kept


def test_a_correction_is_checked_like_a_new_review(household):
    first = record(household, D(2024, 5, 20))
    second = record(household, D(2025, 5, 19))
    assert refused(lambda: correct(second, held_on=D(2024, 5, 20)), "held_on") == REVIEW_SAME_DAY
    assert "must be today or in the past" in refused(
        lambda: correct(second, held_on=D(2025, 6, 3)), "held_on"
    )
    assert "before the household was approved" in refused(
        lambda: correct(second, held_on=D(2023, 1, 1)), "held_on"
    )
    assert (
        refused(lambda: correct(first, referred_to_panel=False), "referred_to_panel")
        == FIRST_REVIEW_TO_PANEL
    )
    assert refused(lambda: correct(second), "held_on") == NOTHING_CORRECTED
    assert refused(lambda: correct(second, recommendation="x", reason=" "), "reason")
    assert not CarerReviewCorrection.objects.exists()


def test_a_withdrawn_review_leaves_the_schedule_and_the_figures_but_not_the_record(
    client, household, business_support
):
    first = record(household, D(2024, 5, 20), by=business_support)
    assert carer_reviews_held(2024).count() == 1
    carer_review_withdraw(
        review=first, withdrawn_by=business_support, reason="Recorded for the wrong household"
    )
    household.refresh_from_db()
    assert household.next_review_due == D(2024, 6, 5)
    assert "1 year after approval" in household.next_review_reason
    assert carer_reviews_held(2024).count() == 0
    assert not FosterCarerReview.objects.exists()
    assert FosterCarerReview.all_objects.get().withdrawn_reason == (
        "Recorded for the wrong household"
    )
    assert (
        refused(
            lambda: carer_review_withdraw(review=first, withdrawn_by=None, reason="again"), "reason"
        )
        == REVIEW_WITHDRAWN
    )

    client.force_login(business_support)
    html = client.get("/fostering/FC-0101/").content.decode()
    assert "Withdrawn reviews" in html
    assert "Recorded for the wrong household" in html
    assert "No reviews recorded since approval." in html


def test_a_withdrawal_needs_a_reason(client, household, business_support):
    review = record(household, D(2024, 5, 20), by=business_support)
    client.force_login(business_support)
    page = client.post(f"/fostering/FC-0101/reviews/{review.pk}/withdraw/", {"reason": " "})
    assert page.status_code == 400
    assert "Enter why the review is being withdrawn" in page.content.decode()
    review.refresh_from_db()
    assert not review.is_withdrawn


def test_the_author_corrects_a_review_in_the_browser_and_sees_what_changed(
    client, household, business_support, officer
):
    review = record(household, D(2024, 5, 20), by=business_support, officer=officer)
    client.force_login(business_support)
    detail = client.get("/fostering/FC-0101/").content.decode()
    assert f"/fostering/FC-0101/reviews/{review.pk}/correct/" in detail

    form = client.get(f"/fostering/FC-0101/reviews/{review.pk}/correct/")
    assert form.status_code == 200
    page = client.post(
        f"/fostering/FC-0101/reviews/{review.pk}/correct/",
        {
            **date_fields("held_on", D(2024, 5, 21)),
            "reviewing_officer": officer.pk,
            "referred_to_panel": "on",
            "recommendation": "Continue approval for two children.",
            "reason": "The meeting moved to the next day",
        },
        follow=True,
    )
    html = page.content.decode()
    assert "Review of 21 May 2024 corrected. The next review is due by 21 May 2025." in html
    assert "The meeting moved to the next day" in html
    assert "Date of the review meeting: 20 May 2024 to 21 May 2024" in html


def test_only_the_author_or_a_manager_may_correct_or_withdraw(
    client, household, business_support, iro, head_of_service, administrator
):
    review = record(household, D(2024, 5, 20), by=business_support)
    colleague = UserFactory(username="colleague")
    colleague.groups.add(*business_support.groups.all())
    url = f"/fostering/FC-0101/reviews/{review.pk}/"
    for user, allowed in [
        (business_support, True),
        (head_of_service, True),
        (administrator, True),
        (colleague, False),
        (iro.user, False),
    ]:
        client.force_login(user)
        status = 200 if allowed else 403
        assert client.get(url + "correct/").status_code == status
        assert client.get(url + "withdraw/").status_code == status
        detail = client.get("/fostering/FC-0101/").content.decode()
        assert (url + "correct/" in detail) is allowed
        assert (url + "withdraw/" in detail) is allowed
    client.force_login(iro.user)
    assert client.post(url + "withdraw/", {"reason": "x"}).status_code == 403
    review.refresh_from_db()
    assert not review.is_withdrawn


def test_a_review_before_the_approval_is_refused_on_the_page_naming_the_date(
    client, household, business_support
):
    client.force_login(business_support)
    page = client.post(
        "/fostering/FC-0101/review/",
        {
            **date_fields("held_on", D(2023, 6, 1)),
            "reviewing_officer": business_support.pk,
            "referred_to_panel": "on",
            "recommendation": "x",
        },
    )
    assert page.status_code == 400
    assert (
        "Date of the review meeting must be on or after the date of approval, 5 June 2023"
    ) in page.content.decode()
    assert not FosterCarerReview.all_objects.exists()


def test_a_reason_longer_than_a_page_is_refused(client, household, business_support):
    review = record(household, D(2024, 5, 20), by=business_support)
    client.force_login(business_support)
    page = client.post(f"/fostering/FC-0101/reviews/{review.pk}/withdraw/", {"reason": "x" * 1001})
    assert page.status_code == 400
    assert "must be 1000 characters or less" in page.content.decode()
