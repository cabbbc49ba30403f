"""Records begin (RULES.md pinned convention 4): reviews are on record only from the day the
council's records begin, so a period whose first review fell due before that day has its
earliest review on record as a later review, with no known due date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.dates import WorkingCalendar
from core.timescales import Timescales
from reviews.models import RecordsBegin
from reviews.records_begin import records_begin_on, records_begin_update
from reviews.rules import CareHistory, earlier_reviews_unknown, lac_schedule, records_begin_day
from reviews.services import lac_review_record
from tests.factories import ChildFactory
from tests.reviews.test_services import enter_care

D = dt.date
ENGLAND = WorkingCalendar()
LAW = Timescales()
# The child: in care since 2015; the first return loaded is 2019-20.
IN_CARE_SINCE_2015 = D(2015, 6, 1)
RECORDS_BEGIN = D(2019, 4, 1)


def schedule(**history):
    return lac_schedule(CareHistory(**history), calendar=ENGLAND, timescales=LAW)


def test_records_begin_on_1_april_of_the_earliest_return_year_loaded():
    assert records_begin_day(earliest_return_year=2019, recording_started_on=None) == RECORDS_BEGIN


def test_records_begin_on_the_day_recording_started_in_oversight_when_that_is_earlier():
    day = records_begin_day(earliest_return_year=2019, recording_started_on=D(2018, 11, 5))
    assert day == D(2018, 11, 5)
    later = records_begin_day(earliest_return_year=2019, recording_started_on=D(2020, 1, 6))
    assert later == RECORDS_BEGIN


def test_with_nothing_loaded_and_nothing_recorded_there_is_no_records_begin_day():
    assert records_begin_day(earliest_return_year=None, recording_started_on=None) is None


def test_the_earliest_review_on_record_of_a_child_in_care_before_records_begin_is_a_later_one():
    result = schedule(
        started_on=IN_CARE_SINCE_2015,
        held_reviews=[D(2019, 6, 10)],
        records_begin=RECORDS_BEGIN,
    )
    first = result.held[0]
    assert (first.number, first.due, first.in_time) == (None, None, None)
    # The next is due 6 months after it, not 3.
    assert result.next_due.on == D(2019, 12, 10)
    assert result.next_due.reason == "6 months after the previous review on 10 June 2019"


def test_the_next_review_on_record_is_due_six_months_after_the_earliest():
    result = schedule(
        started_on=IN_CARE_SINCE_2015,
        held_reviews=[D(2019, 6, 10), D(2019, 12, 20)],
        records_begin=RECORDS_BEGIN,
    )
    second = result.held[1]
    assert second.number is None
    assert second.due.on == D(2019, 12, 10)
    assert second.in_time is False
    assert result.next_due.on == D(2020, 6, 20)


def test_without_a_records_begin_day_the_same_history_is_numbered_from_one_and_counted_late():
    """What the issue saw: review 1, late against 2015's due date, the next in 3 months."""
    result = schedule(started_on=IN_CARE_SINCE_2015, held_reviews=[D(2019, 6, 10)])
    first = result.held[0]
    assert (first.number, first.in_time) == (1, False)
    assert result.next_due.on == D(2019, 9, 10)


def test_a_period_whose_first_review_falls_due_on_the_day_records_begin_is_numbered_from_one():
    # 20 working days after Monday 4 March 2019 is Monday 1 April 2019.
    history = CareHistory(
        started_on=D(2019, 3, 4), held_reviews=[D(2019, 3, 29)], records_begin=RECORDS_BEGIN
    )
    assert not earlier_reviews_unknown(history, calendar=ENGLAND, timescales=LAW)
    result = lac_schedule(history, calendar=ENGLAND, timescales=LAW)
    first = result.held[0]
    assert (first.number, first.due.on, first.in_time) == (1, D(2019, 4, 1), True)
    assert result.next_due.on == D(2019, 6, 29)
    assert result.next_due.rule == "lac_second_review"


def test_a_period_begun_the_working_day_before_has_its_first_review_due_before_records_begin():
    history = CareHistory(started_on=D(2019, 3, 1), records_begin=RECORDS_BEGIN)
    assert earlier_reviews_unknown(history, calendar=ENGLAND, timescales=LAW)


def test_a_period_begun_after_records_begin_is_scheduled_as_usual():
    result = schedule(started_on=D(2019, 5, 1), records_begin=RECORDS_BEGIN)
    assert result.next_due.rule == "lac_first_review"
    assert result.next_due.on == D(2019, 5, 31)


def test_a_period_begun_before_records_begin_with_no_review_on_record_has_no_known_due_date():
    assert schedule(started_on=IN_CARE_SINCE_2015, records_begin=RECORDS_BEGIN).next_due is None


def test_authority_to_place_still_sets_a_due_date_when_earlier_reviews_are_unknown():
    result = schedule(
        started_on=IN_CARE_SINCE_2015,
        authority_to_place=[D(2019, 5, 2)],
        records_begin=RECORDS_BEGIN,
    )
    assert (result.next_due.on, result.next_due.rule) == (D(2019, 8, 2), "adoption_authority")


@pytest.mark.django_db
def test_the_records_begin_day_is_stored_and_only_ever_moves_earlier():
    assert records_begin_on() is None

    records_begin_update(earliest_return_year=2021, change_reason="SSDA903 import (2021-22)")
    records_begin_update(earliest_return_year=2023, change_reason="SSDA903 import (2023-24)")
    assert records_begin_on() == D(2021, 4, 1)

    records_begin_update(earliest_return_year=2019)
    assert records_begin_on() == D(2019, 4, 1)
    records_begin_update(recording_started_on=D(2018, 9, 3))
    row = RecordsBegin.objects.get()
    assert (row.earliest_return_year, row.recording_started_on, row.begins_on) == (
        2019,
        D(2018, 9, 3),
        D(2018, 9, 3),
    )
    # Every change is kept in the history, the unchanged update adds nothing.
    assert [h.begins_on for h in row.history.order_by("history_date")] == [
        D(2021, 4, 1),
        D(2019, 4, 1),
        D(2018, 9, 3),
    ]
    assert row.history.earliest("history_date").history_change_reason == "SSDA903 import (2021-22)"


@pytest.mark.django_db
def test_every_review_of_a_period_whose_earlier_reviews_are_unknown_records_the_permanence_plan():
    """Which review is the second cannot be known, so the first recorded asks for it too."""
    child = ChildFactory(date_of_birth=D(2008, 2, 14))
    enter_care(child, IN_CARE_SINCE_2015)
    records_begin_update(earliest_return_year=2019)

    with pytest.raises(ValidationError) as refused:
        lac_review_record(child=child, held_on=D(2019, 6, 10), participation_code="PN1")
    assert list(refused.value.message_dict) == ["permanence_plan"]

    lac_review_record(
        child=child, held_on=D(2019, 6, 10), participation_code="PN1", permanence_plan="a"
    )
    assert child.lac_reviews.get().number is None


@pytest.mark.django_db
def test_the_first_review_of_a_period_begun_after_records_begin_needs_no_permanence_plan():
    child = ChildFactory(date_of_birth=D(2008, 2, 14))
    enter_care(child, D(2019, 5, 1))
    records_begin_update(earliest_return_year=2019)
    lac_review_record(child=child, held_on=D(2019, 5, 29), participation_code="PN1")
    assert child.lac_reviews.get().number == 1
