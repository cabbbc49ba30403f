"""The protection area's forms with dates, for tests/core/test_date_input.py: how each
view builds its form."""

import datetime as dt
from types import SimpleNamespace

from core.decisions import DecisionAddForm
from protection.forms import (
    EnquiryCorrectForm,
    InvitationCorrectionForm,
    OutcomeCorrectForm,
    ReferralForm,
    ReportsForm,
    RescheduleForm,
    TransferInCorrectForm,
    TransferInForm,
)

CHILD = SimpleNamespace(
    child_id="W1", full_name="Ann Example", date_of_birth=dt.date(2012, 1, 1), family=None
)

BUILDERS = {
    DecisionAddForm: lambda data: DecisionAddForm(data),
    ReferralForm: lambda data: ReferralForm(data, child=CHILD),
    TransferInForm: lambda data: TransferInForm(data, child=CHILD),
    EnquiryCorrectForm: lambda data: EnquiryCorrectForm(data, child=CHILD),
    OutcomeCorrectForm: lambda data: OutcomeCorrectForm(
        data, conference=SimpleNamespace(kind="initial"), entries=[SimpleNamespace(child=CHILD)]
    ),
    TransferInCorrectForm: lambda data: TransferInCorrectForm(data, child=CHILD),
    ReportsForm: lambda data: ReportsForm(data),
    RescheduleForm: lambda data: RescheduleForm(data),
    # Its date invited is not corrected (the field is dropped as it is built).
    InvitationCorrectionForm: lambda data: InvitationCorrectionForm(data),
}
