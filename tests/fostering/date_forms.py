"""The fostering area's forms with a GOV.UK date, as their views build them, for the date
checks of every form (tests/core/test_date_input.py)."""

import datetime as dt
from types import SimpleNamespace

from fostering.forms import (
    ApprovalEndForm,
    CarerReviewCorrectForm,
    HouseholdDetailsForm,
    TermsChangeForm,
)

HOUSEHOLD = SimpleNamespace(
    reviewing_officer_id=None, approved_on=dt.date(2024, 1, 5), approval_ended_on=None
)

BUILDERS = {
    HouseholdDetailsForm: lambda data: HouseholdDetailsForm(data),
    TermsChangeForm: lambda data: TermsChangeForm(data, household=HOUSEHOLD),
    ApprovalEndForm: lambda data: ApprovalEndForm(data, household=HOUSEHOLD),
    CarerReviewCorrectForm: lambda data: CarerReviewCorrectForm(
        data, household=HOUSEHOLD, first=True
    ),
}
