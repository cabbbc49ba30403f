"""When child protection conferences are due (RULES.md pinned convention 5)."""

import datetime as dt

from core.dates import WorkingCalendar
from core.timescales import Timescales
from protection.rules import icpc_due, plan_review_schedule, transfer_in_due

D = dt.date
ENGLAND = WorkingCalendar()
LAW = Timescales()


def test_initial_conference_is_due_fifteen_working_days_after_the_strategy_discussion():
    due = icpc_due(D(2024, 3, 20), calendar=ENGLAND, timescales=LAW)
    assert due.on == D(2024, 4, 12)  # Good Friday and Easter Monday skipped
    assert due.reason == "15 working days after the strategy discussion on 20 March 2024"


def test_initial_conference_over_the_coronation_weekend():
    assert icpc_due(D(2023, 4, 28), calendar=ENGLAND, timescales=LAW).on == D(
        2023, 5, 23
    )  # 1 May and 8 May skipped


def test_the_dfe_day_one_convention_makes_the_initial_conference_a_day_earlier():
    day_one = WorkingCalendar(count_start_as_day_one=True)
    assert icpc_due(D(2024, 3, 20), calendar=day_one, timescales=LAW).on == D(2024, 4, 11)


def test_transfer_in_conference_is_due_fifteen_working_days_after_notification():
    due = transfer_in_due(D(2024, 12, 16), calendar=ENGLAND, timescales=LAW)
    assert due.on == D(2025, 1, 9)
    assert due.rule == "transfer_in"


def test_first_review_conference_is_due_three_months_after_the_initial_conference():
    result = plan_review_schedule(
        started_on=D(2024, 5, 31), review_conferences=[], ended_on=None, timescales=LAW
    )
    assert result.next_due.on == D(2024, 8, 31)
    assert result.next_due.reason == "3 months after the initial conference on 31 May 2024"


def test_later_review_conferences_are_due_six_months_after_the_previous_one():
    result = plan_review_schedule(
        started_on=D(2023, 11, 30),
        review_conferences=[D(2024, 2, 27), D(2024, 8, 29)],
        ended_on=None,
        timescales=LAW,
    )
    assert [(h.due.on, h.in_time) for h in result.held] == [
        (D(2024, 2, 29), True),  # 30 Nov + 3 months, clamped in a leap year
        (D(2024, 8, 27), False),  # two days late
    ]
    assert result.next_due.on == D(2025, 2, 28)


def test_an_ended_plan_has_no_next_review_conference():
    result = plan_review_schedule(
        started_on=D(2023, 11, 30),
        review_conferences=[D(2024, 2, 27)],
        ended_on=D(2024, 2, 27),
        timescales=LAW,
    )
    assert result.next_due is None
    assert result.held[0].in_time
