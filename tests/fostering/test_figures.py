"""The foster carer review figures (Report ¶42-43): reviews due, held in time, and
referred to the fostering panel."""

import datetime as dt

import pytest

from fostering import figures
from tests.fostering.test_services import approve, review

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def test_a_first_review_a_year_after_approval_is_in_time_and_goes_to_panel():
    household = approve(approved_on=D(2023, 6, 5))
    review(household, D(2024, 6, 5))
    assert figures.carer_reviews_held(2024).count() == 1
    assert figures.carer_reviews_in_time(2024).count() == 1
    assert figures.carer_reviews_referred_to_panel(2024).count() == 1
    assert figures.first_carer_reviews(2024).count() == 1


def test_a_review_held_after_its_due_date_is_late():
    household = approve(approved_on=D(2023, 6, 5))
    review(household, D(2024, 6, 6))
    assert figures.carer_reviews_in_time(2024).count() == 0


def test_reviews_due_in_the_year_are_those_held_and_those_still_awaited():
    held = approve(approved_on=D(2023, 6, 5), reference="FC-1")
    review(held, D(2024, 6, 5))
    awaited = approve(approved_on=D(2024, 1, 8), reference="FC-2")
    assert figures.carer_reviews_due_and_held(2024).count() == 1
    assert list(figures.carer_reviews_due_not_held(2024).records()) == [awaited]
