"""People and allocation's forms with dates, for tests/core/test_date_input.py: how each
view builds its form."""

import datetime as dt
from types import SimpleNamespace

from iro.forms import ChildDetailsCorrectForm, NewChildDateForm

CHILD = SimpleNamespace(date_of_birth=dt.date(2015, 6, 1), expected_date_of_birth=None)
CURRENT = {
    "first_name": "Robin",
    "last_name": "Example",
    "date_of_birth": CHILD.date_of_birth,
    "expected_date_of_birth": None,
    "sex": "F",
    "ethnicity": "WBRI",
    "upn": "",
    "disability": False,
}

BUILDERS = {
    NewChildDateForm: lambda data: NewChildDateForm(data),
    ChildDetailsCorrectForm: lambda data: ChildDetailsCorrectForm(
        data, child=CHILD, current=CURRENT
    ),
}
