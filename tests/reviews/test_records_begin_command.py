"""The unit says when it started recording in Oversight; records begin on the earlier of
that day and 1 April of the earliest return loaded (RULES.md convention 4)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reviews.management.commands.records_begin import NOT_A_DATE
from reviews.records_begin import records_begin_on, records_begin_update

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("records_begin", *args, stdout=out)
    return out.getvalue()


def test_with_nothing_loaded_the_day_is_not_known():
    assert "not known yet" in run()
    assert records_begin_on() is None


def test_the_day_recording_started_counts_when_it_is_earlier_than_the_returns():
    records_begin_update(earliest_return_year=2021)
    assert "Records begin on 1 April 2021." in run()

    assert "Records begin on 2 September 2019." in run("--recording-started-on", "2019-09-02")
    assert records_begin_on() == dt.date(2019, 9, 2)

    run("--recording-started-on", "2022-01-10")  # later than the returns: no change
    assert records_begin_on() == dt.date(2019, 9, 2)


def test_a_day_that_is_not_a_date_is_refused_by_name():
    with pytest.raises(CommandError, match=NOT_A_DATE):
        run("--recording-started-on", "2019-13-40")
    assert records_begin_on() is None
