"""When foster carer reviews are due (RULES.md pinned convention 6)."""

import datetime as dt

from core.timescales import Timescales
from fostering.rules import carer_review_schedule

D = dt.date


def plan(**kwargs):
    return carer_review_schedule(timescales=Timescales(), approval_ended_on=None, **kwargs)


def test_first_review_is_due_a_year_after_approval_and_goes_to_panel():
    result = plan(approved_on=D(2024, 3, 14), held_reviews=[])
    assert result.next_due.on == D(2025, 3, 14)
    assert result.next_goes_to_panel is True
    assert "goes to panel" in result.next_due.reason


def test_later_reviews_are_due_a_year_after_the_last_review_meeting():
    result = plan(approved_on=D(2022, 3, 14), held_reviews=[D(2023, 2, 1), D(2024, 1, 20)])
    assert result.next_due.on == D(2025, 1, 20)
    assert result.next_goes_to_panel is False
    assert [h.is_first for h in result.held] == [True, False]
    assert all(h.in_time for h in result.held)


def test_approval_on_29_february_is_reviewed_by_28_february():
    assert plan(approved_on=D(2024, 2, 29), held_reviews=[]).next_due.on == D(2025, 2, 28)


def test_a_late_review_is_out_of_time():
    result = plan(approved_on=D(2022, 3, 14), held_reviews=[D(2023, 3, 15)])
    assert result.held[0].in_time is False


def test_no_review_is_due_once_approval_has_ended():
    result = carer_review_schedule(
        approved_on=D(2022, 3, 14),
        held_reviews=[],
        approval_ended_on=D(2022, 12, 1),
        timescales=Timescales(),
    )
    assert result.next_due is None
