"""Recomputing the due dates restores what the records imply, rule and reason included,
and a second run changes nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from protection.models import Section47Enquiry
from protection.services import section47_start
from reviews.models import PeriodOfCare
from reviews.services import episode_record
from tests.factories import ChildFactory

D = dt.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def _enter_care(child, start):
    return episode_record(
        child=child,
        started_on=start,
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=None,
        reason_ceased="",
    )


def _recompute() -> str:
    out = io.StringIO()
    call_command("recompute_due_dates", stdout=out)
    return out.getvalue()


def test_a_due_date_stored_before_rules_were_kept_gets_its_rule():
    child = ChildFactory()
    enquiry = section47_start(child=child, strategy_discussion_on=dt.date(2025, 2, 10))
    Section47Enquiry.objects.filter(pk=enquiry.pk).update(icpc_due_rule="", icpc_due=None)

    _recompute()

    enquiry.refresh_from_db()
    assert enquiry.icpc_due == dt.date(2025, 3, 3)
    assert enquiry.icpc_due_rule == "icpc"
    assert enquiry.icpc_due_reason.startswith("15 working days after the strategy discussion")


def test_a_period_of_care_gets_back_its_next_review_and_a_second_run_changes_nothing():
    _enter_care(ChildFactory(), dt.date(2025, 5, 1))
    PeriodOfCare.objects.update(next_review_due=None, next_review_reason="", next_review_rule="")

    _recompute()
    restored = list(PeriodOfCare.objects.values())
    _recompute()

    [period] = restored
    assert (period["next_review_due"], period["next_review_rule"]) == (
        dt.date(2025, 6, 2),  # 20 working days, over both May bank holidays
        "lac_first_review",
    )
    assert list(PeriodOfCare.objects.values()) == restored


def test_a_carer_households_review_dates_come_back_and_a_second_run_writes_nothing():
    from fostering.models import FosterCarerHousehold, FosterCarerReview
    from fostering.services import carer_review_record, household_approve

    household = household_approve(reference="FC-0101", name="Jo Carer", approved_on=D(2023, 6, 5))
    carer_review_record(
        household=household,
        held_on=D(2024, 5, 20),
        reviewing_officer=None,
        referred_to_panel=True,
        recommendation="Continue approval.",
        recorded_by=None,
    )
    household.refresh_from_db()
    review = FosterCarerReview.objects.get()
    expected = (household.next_review_due, household.next_review_rule, review.due_on)
    FosterCarerHousehold.objects.update(next_review_due=None, next_review_rule="")
    FosterCarerReview.objects.update(due_on=None, due_rule="")

    printed = _recompute()

    household.refresh_from_db()
    review.refresh_from_db()
    assert (household.next_review_due, household.next_review_rule, review.due_on) == expected
    assert expected[0] is not None
    assert "Fostering: 1 of 1 households" in printed
    from fostering.services import households_schedules_refresh

    assert households_schedules_refresh(households=[household]) == 0


def test_the_command_says_how_far_it_has_got_in_each_area():
    _enter_care(ChildFactory(), dt.date(2025, 5, 1))
    section47_start(child=ChildFactory(), strategy_discussion_on=dt.date(2025, 2, 10))

    printed = _recompute()

    assert "Looked after: 1 of 1 children" in printed
    assert "Child protection: 1 of 1 children" in printed
    assert "Every due date worked out again in" in printed
