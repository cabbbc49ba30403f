"""`manage.py records_begin [--recording-started-on DATE]`: the day the council's records
begin (RULES.md convention 4), and the day the unit started recording in Oversight."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.dates import long_date
from reviews.records_begin import records_begin_get, records_begin_move
from reviews.services import children_periods_rebuild

NOT_A_DATE = "--recording-started-on must be a date written YYYY-MM-DD, like 2019-09-02"


class Command(BaseCommand):
    help = (
        "Say the day the council's records begin (1 April of the earliest return loaded, or "
        "the day the unit started recording in Oversight, whichever is earlier). With "
        "--recording-started-on, record that day and reschedule the children it affects."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recording-started-on", metavar="YYYY-MM-DD")

    def handle(self, *args, recording_started_on=None, **options):
        if recording_started_on:
            try:
                started = dt.date.fromisoformat(recording_started_on)
            except ValueError as exc:
                raise CommandError(NOT_A_DATE) from exc
            reason = f"The unit started recording in Oversight on {long_date(started)}"
            moved = records_begin_move(recording_started_on=started, change_reason=reason)
            if moved:
                children_periods_rebuild(child_ids=moved, change_reason=reason)
                self.stdout.write(f"Rescheduled {len(moved):,} children.")
        row = records_begin_get()
        if row is None:
            self.stdout.write("Records begin: not known yet (no return loaded, no day given).")
            return
        self.stdout.write(f"Records begin on {long_date(row.begins_on)}.")
