"""The retention schedule as the rule states it: dates only, no database."""

import datetime as dt

from retention.rules import (
    Schedule,
    anonymised_birth_date,
    is_past_keeping,
    keep_until,
)

DEFAULT = Schedule()
BORN = dt.date(2001, 6, 14)


def test_a_child_looked_after_is_kept_until_their_75th_birthday():
    assert keep_until(born_on=BORN, ever_looked_after=True, schedule=DEFAULT) == dt.date(
        2076, 6, 14
    )


def test_a_child_never_looked_after_is_kept_until_their_25th_birthday():
    assert keep_until(born_on=BORN, ever_looked_after=False, schedule=DEFAULT) == dt.date(
        2026, 6, 14
    )


def test_the_council_chooses_how_long_child_protection_only_records_are_kept():
    council = Schedule(protection_only_until_age=30)

    assert keep_until(born_on=BORN, ever_looked_after=False, schedule=council) == dt.date(
        2031, 6, 14
    )


def test_a_child_born_on_29_february_is_kept_until_28_february_in_a_common_year():
    born = dt.date(2004, 2, 29)

    assert keep_until(born_on=born, ever_looked_after=False, schedule=DEFAULT) == dt.date(
        2029, 2, 28
    )


def test_records_are_kept_on_the_birthday_itself_and_due_the_day_after():
    birthday = dt.date(2026, 6, 14)

    assert not is_past_keeping(
        born_on=BORN, ever_looked_after=False, schedule=DEFAULT, today=birthday
    )
    assert is_past_keeping(
        born_on=BORN,
        ever_looked_after=False,
        schedule=DEFAULT,
        today=birthday + dt.timedelta(days=1),
    )


def test_an_anonymised_date_of_birth_is_the_first_of_its_month():
    assert anonymised_birth_date(BORN) == dt.date(2001, 6, 1)
