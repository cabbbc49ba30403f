"""The statutory clock: working days and month arithmetic (RULES.md conventions 1-3)."""

import datetime as dt

import pytest

from core.dates import (
    WorkingCalendar,
    add_months,
    add_working_days,
    add_years,
    age_on,
    working_days_between,
)

ENGLAND = WorkingCalendar()
D = dt.date


@pytest.mark.parametrize(
    ("start", "n", "due", "why"),
    [
        (
            D(2024, 3, 20),
            20,
            D(2024, 4, 19),
            "RULES.md's example: Good Friday and Easter Monday skipped",
        ),
        (D(2024, 12, 20), 5, D(2024, 12, 31), "Christmas Day and Boxing Day are not working days"),
        (D(2022, 12, 23), 1, D(2022, 12, 28), "substitute Christmas Day (27 Dec 2022) skipped"),
        (
            D(2022, 9, 16),
            1,
            D(2022, 9, 20),
            "the Queen's state funeral, 19 Sep 2022, was a bank holiday",
        ),
        (D(2023, 5, 5), 1, D(2023, 5, 9), "the coronation bank holiday, 8 May 2023"),
        (D(2022, 6, 1), 1, D(2022, 6, 6), "the Platinum Jubilee, 2 and 3 June 2022"),
        (D(2024, 1, 6), 1, D(2024, 1, 8), "a Saturday start: day 1 is the next working day"),
        (D(2024, 1, 8), 0, D(2024, 1, 8), "within 0 working days is the day itself"),
        (D(2025, 4, 17), 1, D(2025, 4, 22), "Maundy Thursday + 1 skips the Easter weekend"),
    ],
)
def test_within_n_working_days_is_the_nth_working_day_after_day_zero(start, n, due, why):
    assert add_working_days(start, n, ENGLAND) == due, why


def test_the_dfe_validator_convention_counts_the_start_as_day_one():
    day_one = WorkingCalendar(count_start_as_day_one=True)
    assert add_working_days(D(2024, 3, 20), 20, day_one) == D(2024, 4, 18)


def test_a_start_on_a_non_working_day_is_not_counted_under_either_convention():
    day_one = WorkingCalendar(count_start_as_day_one=True)
    assert add_working_days(D(2024, 3, 29), 1, day_one) == D(2024, 4, 2)


def test_a_council_closure_date_is_not_a_working_day():
    shutdown = WorkingCalendar(extra_closures=frozenset({D(2024, 12, 27)}))
    assert add_working_days(D(2024, 12, 20), 5, shutdown) == D(2025, 1, 2)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2024, 1, 8), -1, ENGLAND)


def test_working_days_between_counts_the_days_after_the_start():
    assert working_days_between(D(2024, 3, 20), D(2024, 4, 19), ENGLAND) == 20
    assert working_days_between(D(2024, 4, 19), D(2024, 3, 20), ENGLAND) == 0


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2023, 8, 31), 3, D(2023, 11, 30)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2022, 8, 31), 6, D(2023, 2, 28)),
        (D(2024, 5, 4), 3, D(2024, 8, 4)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2024, 10, 15), 6, D(2025, 4, 15)),
    ],
)
def test_within_n_months_is_the_same_day_n_months_later_clamped_to_month_end(start, months, due):
    assert add_months(start, months) == due


def test_a_year_after_29_february_is_28_february():
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (D(2020, 6, 1), D(2024, 5, 31), 3),
        (D(2020, 6, 1), D(2024, 6, 1), 4),
        (D(2020, 2, 29), D(2024, 2, 28), 3),
        (D(2020, 2, 29), D(2024, 2, 29), 4),
    ],
)
def test_age_is_completed_years(born, on, age):
    assert age_on(born, on) == age
