"""Booking a meeting on a date to check: warned, never refused (core.meetings)."""

import datetime as dt

from core.meetings import date_warnings

A_TUESDAY = dt.date(2026, 12, 8)


def test_a_working_day_on_time_needs_no_second_look():
    assert date_warnings(A_TUESDAY, due_on=dt.date(2026, 12, 10)) == []
    assert date_warnings(A_TUESDAY, due_on=A_TUESDAY) == []
    assert date_warnings(A_TUESDAY, due_on=None) == []


def test_a_weekend_is_named():
    assert date_warnings(dt.date(2026, 12, 12), due_on=None) == ["12 December 2026 is a Saturday."]


def test_a_bank_holiday_is_named():
    assert date_warnings(dt.date(2026, 12, 25), due_on=None) == [
        "25 December 2026 is a bank holiday (Christmas Day)."
    ]


def test_a_date_after_the_due_date_says_by_how_many_days():
    assert date_warnings(A_TUESDAY, due_on=dt.date(2026, 12, 7)) == [
        "8 December 2026 is 1 day after it is due (7 December 2026)."
    ]
    assert date_warnings(dt.date(2027, 6, 8), due_on=A_TUESDAY) == [
        "8 June 2027 is 182 days after it is due (8 December 2026)."
    ]


def test_both_at_once():
    assert date_warnings(dt.date(2026, 12, 13), due_on=A_TUESDAY) == [
        "13 December 2026 is a Sunday.",
        "13 December 2026 is 5 days after it is due (8 December 2026).",
    ]
