"""The disputes area's forms with a GOV.UK date, as their views build them, for the date
checks of every form (tests/core/test_date_input.py)."""

import datetime as dt
from types import SimpleNamespace

from disputes.forms import DisputeCorrectForm, StageCorrectForm

RAISED_ON = dt.date(2025, 1, 6)
ANSWERED = SimpleNamespace(
    addressee="Team manager",
    started_on=dt.date(2025, 1, 7),
    responded_on=dt.date(2025, 1, 9),
    response="Agreed",
)
CURRENT = {"category": "drift", "summary": "Drift", "raised_on": RAISED_ON}

BUILDERS = {
    DisputeCorrectForm: lambda data: DisputeCorrectForm(data, current=CURRENT),
    StageCorrectForm: lambda data: StageCorrectForm(data, stage=ANSWERED, raised_on=RAISED_ON),
}
