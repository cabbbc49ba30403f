"""Dispute resolution deadlines (RULES.md pinned convention 7)."""

import datetime as dt

from core.dates import WorkingCalendar
from core.timescales import Timescales
from disputes.rules import formal_process_due, stage_response_due

D = dt.date
ENGLAND = WorkingCalendar()


def test_each_formal_stage_is_answered_within_its_levels_working_days():
    due = stage_response_due(
        D(2024, 12, 20), level_name="Service manager", working_days=5, calendar=ENGLAND
    )
    assert due.on == D(2024, 12, 31)
    assert due.reason == "5 working days after escalation to service manager on 20 December 2024"


def test_the_whole_formal_process_should_end_within_twenty_working_days():
    due = formal_process_due(D(2024, 3, 20), calendar=ENGLAND, timescales=Timescales())
    assert due.on == D(2024, 4, 19)
