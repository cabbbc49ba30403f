"""Two people saving the same thing at once: one save wins, the other is told, and
nothing is merged or silently overwritten."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from reviews.models import LookedAfterReview, ReviewDecision
from reviews.services import (
    REVIEW_ALREADY_RECORDED,
    DecisionInput,
    lac_review_book,
    lac_review_record,
)
from tests.factories import ChildFactory
from tests.reviews.test_services import enter_care

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def test_two_iros_recording_the_same_booked_review_cannot_both_succeed():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    booked = lac_review_book(
        child=child,
        scheduled_for=dt.datetime(2024, 4, 17, 10, tzinfo=dt.UTC),
        venue="Civic Centre",
        chair=None,
    )
    # Both opened the booking before either saved: each holds it as still booked.
    first_view = LookedAfterReview.objects.get(pk=booked.pk)
    second_view = LookedAfterReview.objects.get(pk=booked.pk)
    lac_review_record(
        child=child,
        held_on=D(2024, 4, 17),
        participation_code="PN6",
        review=first_view,
        decisions=[DecisionInput("Dental check", "Social worker", D(2024, 5, 17))],
    )

    with pytest.raises(ValidationError) as refused:
        lac_review_record(
            child=child,
            held_on=D(2024, 4, 17),
            participation_code="PN1",
            review=second_view,
            decisions=[DecisionInput("School visit", "Teacher", D(2024, 5, 17))],
        )

    assert REVIEW_ALREADY_RECORDED in refused.value.message_dict["review"]
    held = LookedAfterReview.objects.get(pk=booked.pk)
    assert held.participation_code == "PN6"
    assert list(ReviewDecision.objects.values_list("action", flat=True)) == ["Dental check"]
