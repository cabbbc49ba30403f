"""Recording foster carer approval and reviews (RULES.md pinned convention 6).

Bad input is refused whole: nothing is half-saved.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fostering.models import FosterCarerHousehold, FosterCarerReview
from fostering.services import carer_review_record, household_approve
from reviews.services import episode_record
from tests.case_factories import IROAllocationFactory
from tests.factories import ChildFactory, UserFactory
from worklists.deadlines import open_deadlines

D = dt.date
TODAY = D(2025, 6, 2)
APPROVED = D(2024, 6, 3)
PLACED = D(2024, 9, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def refused(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[field])


def approve(approved_on=APPROVED, reference="FC-0101", **extra):
    return household_approve(
        reference=reference, name="Alex and Sam Carer", approved_on=approved_on, **extra
    )


def review(household, held_on, *, officer=None, referred_to_panel=True, **extra):
    return carer_review_record(
        household=household,
        held_on=held_on,
        reviewing_officer=officer or UserFactory(username="fostering-ro"),
        referred_to_panel=referred_to_panel,
        **extra,
    )


def place(child, household, started_on=PLACED):
    return episode_record(
        child=child,
        started_on=started_on,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
        foster_household=household,
    )


def unchanged(household):
    saved = FosterCarerHousehold.objects.get(pk=household.pk)
    return (saved.next_review_due, saved.next_review_reason) == (
        household.next_review_due,
        household.next_review_reason,
    )


# Approval


def test_an_approved_household_is_first_reviewed_a_year_later_at_panel():
    household = approve(approved_on=D(2024, 6, 3))
    household.refresh_from_db()
    assert household.next_review_due == D(2025, 6, 3)
    assert "after approval on 3 June 2024" in household.next_review_reason
    assert "panel" in household.next_review_reason
    [deadline] = [d for d in open_deadlines(as_of=TODAY) if d.carer == "FC-0101"]
    assert (deadline.kind, deadline.due, deadline.status) == (
        "foster_carer_review",
        D(2025, 6, 3),
        "due",
    )


def test_the_first_review_reason_says_it_is_a_year_after_approval_and_goes_to_panel():
    household = approve(approved_on=D(2024, 6, 3))
    assert household.next_review_reason == (
        "1 year after approval on 3 June 2024 (first review, goes to panel)"
    )


def test_approval_on_29_february_is_first_reviewed_by_28_february():
    assert approve(approved_on=D(2024, 2, 29)).next_review_due == D(2025, 2, 28)


def test_a_household_reference_is_used_once():
    approve(reference="FC-0101")
    message = refused(lambda: approve(reference="FC-0101"), "reference")
    assert "A household with reference FC-0101 already exists" in message
    assert FosterCarerHousehold.objects.filter(reference="FC-0101").count() == 1


def test_an_approval_in_the_future_is_refused():
    message = refused(lambda: approve(approved_on=D(2025, 6, 3)), "approved_on")
    assert "must be today or in the past" in message
    assert not FosterCarerHousehold.objects.exists()


# Reviews


def test_the_first_review_after_approval_must_go_to_panel():
    household = approve(approved_on=D(2024, 6, 3))
    message = refused(
        lambda: review(household, D(2025, 5, 20), referred_to_panel=False), "referred_to_panel"
    )
    assert "The first review after approval must go to the fostering panel" in message
    assert not FosterCarerReview.objects.exists()
    assert unchanged(household)


def test_the_first_review_referred_to_panel_is_recorded_and_the_next_is_due_a_year_later():
    household = approve(approved_on=D(2024, 6, 3))
    saved, warnings = review(
        household,
        D(2025, 5, 20),
        panel_on=D(2025, 5, 29),
        recommendation="Continue approval for two children aged 0-18.",
    )
    assert warnings == []
    assert (saved.is_first, saved.referred_to_panel, saved.panel_on) == (
        True,
        True,
        D(2025, 5, 29),
    )
    assert saved.due_on == D(2025, 6, 3)
    assert "panel" in saved.due_reason
    household.refresh_from_db()
    assert household.next_review_due == D(2026, 5, 20)
    assert household.next_review_reason == "1 year after the last review on 20 May 2025"


def test_a_later_review_need_not_go_to_panel():
    household = approve(approved_on=D(2023, 4, 3))
    review(household, D(2024, 3, 20))
    second, _ = review(household, D(2025, 3, 10), referred_to_panel=False)
    assert (second.is_first, second.referred_to_panel) == (False, False)
    assert second.due_on == D(2025, 3, 20)
    household.refresh_from_db()
    assert household.next_review_due == D(2026, 3, 10)


def test_a_review_back_dated_before_the_first_one_is_now_the_first_and_must_go_to_panel():
    household = approve(approved_on=D(2023, 4, 3))
    review(household, D(2024, 3, 20))
    refused(lambda: review(household, D(2024, 2, 1), referred_to_panel=False), "referred_to_panel")
    assert household.reviews.count() == 1


def test_a_panel_date_without_a_referral_is_refused():
    household = approve(approved_on=D(2023, 4, 3))
    review(household, D(2024, 3, 20))
    household.refresh_from_db()
    message = refused(
        lambda: review(household, D(2025, 3, 10), referred_to_panel=False, panel_on=D(2025, 3, 20)),
        "panel_on",
    )
    assert "only when the review is referred to panel" in message
    assert household.reviews.count() == 1
    assert unchanged(household)


def test_a_panel_cannot_be_before_the_review():
    household = approve(approved_on=D(2024, 6, 3))
    message = refused(
        lambda: review(household, D(2025, 5, 20), panel_on=D(2025, 5, 19)), "panel_on"
    )
    assert "The panel cannot be before the review" in message
    assert not household.reviews.exists()


def test_a_review_before_approval_is_refused():
    household = approve(approved_on=D(2024, 6, 3))
    message = refused(lambda: review(household, D(2024, 6, 2)), "held_on")
    assert "A review cannot be before the household was approved" in message
    assert not household.reviews.exists()
    assert unchanged(household)


def test_a_second_review_on_the_same_day_is_refused():
    household = approve(approved_on=D(2024, 6, 3))
    review(household, D(2025, 5, 20))
    refused(lambda: review(household, D(2025, 5, 20)), "held_on")
    assert household.reviews.count() == 1


def test_a_review_in_the_future_is_refused():
    household = approve(approved_on=D(2024, 6, 3))
    refused(lambda: review(household, D(2025, 6, 3)), "held_on")
    assert not household.reviews.exists()


# Conflict of interest (Report ¶15)


def test_the_iro_of_a_child_placed_with_the_carers_is_warned_not_to_review_them(iro):
    household = approve(approved_on=D(2024, 6, 3))
    child = ChildFactory()
    IROAllocationFactory(child=child, iro=iro, started_on=D(2024, 1, 8))
    place(child, household, started_on=D(2024, 9, 2))

    saved, warnings = review(household, D(2025, 5, 20), officer=iro.user)

    assert len(warnings) == 1
    assert child.child_id in warnings[0]
    assert "another officer should review these carers" in warnings[0]
    assert saved.reviewing_officer == iro.user  # a warning, not a refusal


def test_another_officer_gets_no_conflict_warning(iro):
    household = approve(approved_on=D(2024, 6, 3))
    child = ChildFactory()
    IROAllocationFactory(child=child, iro=iro, started_on=D(2024, 1, 8))
    place(child, household)

    _, warnings = review(household, D(2025, 5, 20), officer=UserFactory(username="other-ro"))

    assert warnings == []


def test_no_conflict_warning_once_the_officer_no_longer_holds_the_child(iro):
    household = approve(approved_on=D(2024, 6, 3))
    child = ChildFactory()
    IROAllocationFactory(child=child, iro=iro, started_on=D(2024, 1, 8), ended_on=D(2025, 2, 1))
    place(child, household)

    _, warnings = review(household, D(2025, 5, 20), officer=iro.user)

    assert warnings == []


def test_no_conflict_warning_for_a_child_placed_with_other_carers(iro):
    household = approve(approved_on=D(2024, 6, 3))
    other = approve(approved_on=D(2024, 6, 3), reference="FC-0202")
    child = ChildFactory()
    IROAllocationFactory(child=child, iro=iro, started_on=D(2024, 1, 8))
    place(child, other)

    _, warnings = review(household, D(2025, 5, 20), officer=iro.user)

    assert warnings == []
