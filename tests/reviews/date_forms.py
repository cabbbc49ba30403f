"""The reviews area's forms with a GOV.UK date, as their views build them, for the date
checks of every form (tests/core/test_date_input.py)."""

import datetime as dt
from types import SimpleNamespace

from reviews.forms import (
    CareEndedForm,
    CareStartedForm,
    ChangeWhatForm,
    ContactCorrectForm,
    DecisionCorrectForm,
    DecisionDoneForm,
    EpisodeCorrectForm,
    ReviewBookingForm,
    ReviewCorrectForm,
    ReviewRescheduleForm,
)

CHILD = SimpleNamespace(child_id="W1", full_name="Ann Example", date_of_birth=dt.date(2012, 1, 1))


def _care(form_class):
    return lambda data: form_class(data, child=CHILD)


BUILDERS = {
    ContactCorrectForm: lambda data: ContactCorrectForm(data, child=CHILD),
    ReviewBookingForm: lambda data: ReviewBookingForm(data, child=CHILD),
    ReviewRescheduleForm: lambda data: ReviewRescheduleForm(data, child=CHILD),
    ReviewCorrectForm: lambda data: ReviewCorrectForm(data),
    DecisionDoneForm: lambda data: DecisionDoneForm(data),
    DecisionCorrectForm: lambda data: DecisionCorrectForm(data),
    CareStartedForm: _care(CareStartedForm),
    ChangeWhatForm: _care(ChangeWhatForm),
    CareEndedForm: _care(CareEndedForm),
    EpisodeCorrectForm: _care(EpisodeCorrectForm),
}
