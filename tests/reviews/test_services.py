"""Recording looked-after care: episodes, periods, reviews. Bad input is refused whole."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Episode, LookedAfterReview, PeriodOfCare, ReviewDecision
from reviews.services import (
    DecisionInput,
    children_periods_rebuild,
    episode_record,
    iro_contact_record,
    lac_review_book,
    lac_review_cancel,
    lac_review_record,
    participation_codes_for_age,
)
from tests.factories import ChildFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False)


def enter_care(child, start, **extra):
    values = {
        "started_on": start,
        "reason_new_episode": "S",
        "legal_status": "C2",
        "category_of_need": "N1",
        "placement": "U4",
        "placement_provider": "PR1",
        "ended_on": None,
        "reason_ceased": "",
    }
    values.update(extra)
    return episode_record(child=child, **values)


def refused(call, field):
    with pytest.raises(ValidationError) as exc:
        call()
    assert field in exc.value.message_dict, exc.value.message_dict
    return exc.value.message_dict[field]


def test_entering_care_opens_a_period_with_the_first_review_due_in_twenty_working_days():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    period = PeriodOfCare.objects.get(child=child)
    assert period.started_on == D(2024, 3, 20)
    assert period.next_review_due == D(2024, 4, 19)
    assert period.next_review_reason == "20 working days after entering care on 20 March 2024"


def test_recording_a_review_moves_the_next_due_date_and_keeps_its_reason():
    child = ChildFactory(date_of_birth=D(2015, 6, 1))
    enter_care(child, D(2024, 3, 20))
    review = lac_review_record(
        child=child,
        held_on=D(2024, 4, 18),
        participation_code="PN1",
        child_seen_alone=True,
        decisions=[DecisionInput("Arrange a dental check", "Social worker", D(2024, 5, 16))],
    )
    period = PeriodOfCare.objects.get(child=child)
    assert (review.number, review.due_on) == (1, D(2024, 4, 19))
    assert period.next_review_due == D(2024, 7, 18)
    assert period.next_review_reason == "3 months after the first review on 18 April 2024"
    assert ReviewDecision.objects.get(review=review).owner == "Social worker"


def test_a_booked_review_becomes_the_held_review():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    booked = lac_review_book(
        child=child,
        scheduled_for=dt.datetime(2024, 4, 17, 10, tzinfo=dt.UTC),
        venue="Civic Centre",
        chair=None,
    )
    assert booked.due_on == D(2024, 4, 19)
    held = lac_review_record(
        child=child, held_on=D(2024, 4, 17), participation_code="PN6", review=booked
    )
    assert held.pk == booked.pk
    assert held.status == "held"
    assert LookedAfterReview.objects.count() == 1


def test_pn0_for_a_five_year_old_is_refused_and_nothing_is_saved():
    child = ChildFactory(date_of_birth=D(2019, 1, 10))
    enter_care(child, D(2024, 3, 20))
    message = refused(
        lambda: lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN0"),
        "participation_code",
    )
    assert "under 4" in message[0]
    assert not LookedAfterReview.objects.exists()
    assert PeriodOfCare.objects.get(child=child).next_review_due == D(2024, 4, 19)


def test_a_child_under_four_can_only_be_pn0():
    child = ChildFactory(date_of_birth=D(2022, 1, 10))
    enter_care(child, D(2024, 3, 20))
    refused(
        lambda: lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN1"),
        "participation_code",
    )


def test_on_the_fourth_birthday_either_code_is_accepted():
    born = D(2020, 4, 18)
    assert participation_codes_for_age(date_of_birth=born, held_on=D(2024, 4, 18)) == [
        f"PN{i}" for i in range(8)
    ]
    assert participation_codes_for_age(date_of_birth=born, held_on=D(2024, 4, 17)) == ["PN0"]
    assert "PN0" not in participation_codes_for_age(date_of_birth=born, held_on=D(2024, 4, 19))


def test_an_unknown_participation_code_is_refused():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    refused(
        lambda: lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN9"),
        "participation_code",
    )


def test_a_review_before_the_period_of_care_began_is_refused():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    message = refused(
        lambda: lac_review_record(child=child, held_on=D(2024, 3, 1), participation_code="PN1"),
        "held_on",
    )
    assert "not within a period of care" in message[0]
    assert not LookedAfterReview.objects.exists()


def test_a_review_in_the_future_is_refused():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    refused(
        lambda: lac_review_record(child=child, held_on=D(2025, 7, 1), participation_code="PN1"),
        "held_on",
    )


def test_the_permanence_plan_is_required_from_the_second_review():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN1")
    refused(
        lambda: lac_review_record(child=child, held_on=D(2024, 7, 10), participation_code="PN1"),
        "permanence_plan",
    )
    second = lac_review_record(
        child=child, held_on=D(2024, 7, 10), participation_code="PN1", permanence_plan="f"
    )
    assert second.number == 2


def test_a_decision_without_an_owner_is_refused_with_the_review():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    refused(
        lambda: lac_review_record(
            child=child,
            held_on=D(2024, 4, 18),
            participation_code="PN1",
            decisions=[DecisionInput("Arrange contact", "", D(2024, 5, 1))],
        ),
        "decisions-0-owner",
    )
    assert not LookedAfterReview.objects.exists()
    assert not ReviewDecision.objects.exists()


def test_a_record_circulated_before_the_review_is_refused():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    refused(
        lambda: lac_review_record(
            child=child,
            held_on=D(2024, 4, 18),
            participation_code="PN1",
            record_circulated_on=D(2024, 4, 1),
        ),
        "record_circulated_on",
    )


def test_two_reviews_on_the_same_day_are_refused():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN1")
    refused(
        lambda: lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN1"),
        "held_on",
    )


def test_an_episode_ending_before_it_starts_is_refused():
    child = ChildFactory()
    refused(
        lambda: enter_care(child, D(2024, 3, 20), ended_on=D(2024, 3, 1), reason_ceased="E4A"),
        "ended_on",
    )
    assert not Episode.objects.exists()


def test_overlapping_episodes_are_refused():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20), ended_on=D(2024, 6, 1), reason_ceased="E4A")
    message = refused(lambda: enter_care(child, D(2024, 5, 1)), "started_on")
    assert "overlaps" in message[0]
    assert Episode.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("legal_status", "Z9"),
        ("placement", "Q1"),
        ("category_of_need", "N9"),
        ("reason_new_episode", "X"),
        ("placement_provider", "PR9"),
    ],
)
def test_unknown_codes_are_refused_naming_the_field(field, value):
    child = ChildFactory()
    message = refused(lambda: enter_care(child, D(2024, 3, 20), **{field: value}), field)
    assert value in message[0]
    assert not Episode.objects.exists()


def test_an_end_date_without_a_reason_is_refused():
    child = ChildFactory()
    refused(lambda: enter_care(child, D(2024, 3, 20), ended_on=D(2024, 6, 1)), "reason_ceased")


def test_a_new_period_of_care_restarts_the_schedule_and_review_numbering():
    child = ChildFactory()
    enter_care(child, D(2023, 1, 9), ended_on=D(2023, 6, 1), reason_ceased="E4A")
    lac_review_record(child=child, held_on=D(2023, 2, 2), participation_code="PN1")
    enter_care(child, D(2024, 3, 20))
    lac_review_record(child=child, held_on=D(2024, 4, 10), participation_code="PN1")
    periods = list(PeriodOfCare.objects.filter(child=child).order_by("first_recorded_on"))
    assert [p.ended_on for p in periods] == [D(2023, 6, 1), None]
    assert periods[1].reviews.get().number == 1
    assert periods[1].next_review_due == D(2024, 7, 10)


def test_a_change_of_placement_continues_the_period():
    child = ChildFactory()
    first = enter_care(child, D(2024, 3, 20))
    episode_record(
        child=child,
        episode=first,
        started_on=D(2024, 3, 20),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
        ended_on=D(2024, 5, 1),
        reason_ceased="X1",
    )
    enter_care(child, D(2024, 5, 1), reason_new_episode="P", placement="K2")
    period = PeriodOfCare.objects.get(child=child)
    assert period.episodes.count() == 2
    assert period.ended_on is None
    assert period.next_review_due == D(2024, 4, 19)


def test_cancelling_a_review_needs_a_reason():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    booked = lac_review_book(
        child=child,
        scheduled_for=dt.datetime(2024, 4, 17, 10, tzinfo=dt.UTC),
        venue="Civic Centre",
        chair=None,
    )
    refused(lambda: lac_review_cancel(review=booked, reason=" "), "cancellation_reason")
    lac_review_cancel(review=booked, reason="Child unwell; rebooked")
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    refused(
        lambda: lac_review_record(
            child=child, held_on=D(2024, 4, 17), participation_code="PN1", review=booked
        ),
        "status",
    )


def test_an_iro_contact_in_the_future_is_refused(iro):
    child = ChildFactory()
    refused(
        lambda: iro_contact_record(child=child, iro=iro, occurred_on=D(2025, 7, 1), kind="visit"),
        "occurred_on",
    )
    contact = iro_contact_record(
        child=child, iro=iro, occurred_on=D(2025, 5, 1), kind="visit", seen_alone=True
    )
    assert contact.seen_alone


def test_changes_to_case_data_keep_their_history():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    review = lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN1")
    review.participation_code = "PN6"
    review.save()
    history = list(review.history.order_by("history_date", "history_id"))
    assert [h.participation_code for h in history] == ["PN1", "PN6"]
    delta = history[-1].diff_against(history[-2])
    assert ("participation_code", "PN1", "PN6") in [(c.field, c.old, c.new) for c in delta.changes]


def test_rebuilding_many_children_at_once_takes_no_more_queries_than_a_few():
    def in_care(count: int) -> list[int]:
        ids = []
        for _ in range(count):
            child = ChildFactory()
            Episode.objects.create(
                child=child,
                started_on=D(2024, 3, 20),
                reason_new_episode="S",
                legal_status="C2",
                category_of_need="N1",
                placement="U4",
            )
            ids.append(child.pk)
        return ids

    few, many = in_care(2), in_care(12)
    with CaptureQueriesContext(connection) as two:
        children_periods_rebuild(child_ids=few)
    with CaptureQueriesContext(connection) as twelve:
        children_periods_rebuild(child_ids=many)
    assert len(twelve) == len(two)
    assert PeriodOfCare.objects.count() == 14
    assert {p.next_review_due for p in PeriodOfCare.objects.all()} == {D(2024, 4, 19)}
    assert not Episode.objects.filter(period__isnull=True).exists()


def test_rebuilding_again_writes_nothing_when_nothing_changed():
    child = ChildFactory()
    enter_care(child, D(2024, 3, 20))
    lac_review_record(child=child, held_on=D(2024, 4, 18), participation_code="PN1")
    with CaptureQueriesContext(connection) as queries:
        children_periods_rebuild(child_ids=[child.pk])
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []
