from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import GuardedForm, ServiceForm, gds_date
from disputes.models import DisputeCategory, DisputeLevel, DisputeStatus
from iro.models import IndependentReviewingOfficer

STATUS_FILTERS = [("", "Any status"), ("open", "Open (informal or formal)")] + [
    (value, label) for value, label in DisputeStatus.choices
]


class DisputeFilterForm(forms.Form):
    """The challenges list's filters: plain GET fields, so they work without JavaScript."""

    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTERS)
    category = forms.ChoiceField(
        label="About", required=False, choices=[("", "Anything"), *DisputeCategory.choices]
    )
    iro = forms.ModelChoiceField(
        label="Raised by",
        required=False,
        queryset=IndependentReviewingOfficer.objects.filter(active=True).select_related("user"),
        empty_label="Any IRO",
    )


class DisputeRaiseForm(ServiceForm):
    submit_label = "Raise the challenge"

    category = forms.ChoiceField(
        label="What is the challenge about?",
        choices=DisputeCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the challenge is about"},
    )
    summary = forms.CharField(
        label="What is the concern?",
        help_text="What should have happened for the child, and what has not.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the concern"},
    )
    raised_on = gds_date(
        "Date the challenge was raised",
        help_text="The day you first raised it, even informally. For example, 27 3 2025.",
    )

    def layout_fields(self) -> list:
        return [Field.radios("category", legend_size=Size.SMALL), "summary", "raised_on"]


class DisputeEscalateForm(ServiceForm):
    submit_label = "Escalate the challenge"

    level = forms.ModelChoiceField(
        label="Who is the challenge going to?",
        queryset=DisputeLevel.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="You may skip a level, but not go back to one already used.",
        error_messages={
            "required": "Choose the level the challenge is going to",
            "invalid_choice": "Choose a level above the one the challenge has already reached",
        },
    )
    addressee = forms.CharField(
        label="Name of the person the challenge is addressed to",
        max_length=120,
        error_messages={"required": "Enter who the challenge is addressed to"},
    )
    started_on = gds_date("Date of the escalation")

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels
        self.fields["level"].label_from_instance = lambda level: (
            f"{level.name} (reply due within {level.response_working_days} working days)"
        )

    def layout_fields(self) -> list:
        return [Field.radios("level", legend_size=Size.SMALL), "addressee", "started_on"]


class StageResponseForm(ServiceForm):
    submit_label = "Save the response"

    responded_on = gds_date("Date of the response")
    response = forms.CharField(
        label="What did they say?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the response"},
    )


class DisputeResolveForm(ServiceForm):
    submit_label = "Record the resolution"

    outcome = forms.CharField(
        label="How was the challenge resolved?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe how the challenge was resolved"},
    )
    resolved_on = gds_date("Date it was resolved")

    def __init__(self, *args, response_kept: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if response_kept:
            # The last stage's recorded response stands as the outcome: nothing to ask.
            del self.fields["outcome"]
            self.helper.layout = self.helper.layout.__class__(
                "resolved_on", *self.helper.layout.fields[-1:]
            )


class CafcassReferralForm(ServiceForm):
    submit_label = "Record the referral"

    cafcass_referred_on = gds_date("Date of the referral to Cafcass")


class DisputeWithdrawForm(ServiceForm):
    submit_label = "Withdraw the challenge"

    reason = forms.CharField(
        label="Why is the challenge being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the challenge is being withdrawn"},
    )
    withdrawn_on = gds_date("Date it was withdrawn")


REASON_LENGTH = 1000


def _correction_reason() -> forms.CharField:
    return forms.CharField(
        label="Why are you correcting it?",
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The challenge's record keeps what it said before, and this reason.",
        error_messages={
            "required": "Enter why you are making the correction",
            "max_length": f"The reason must be {REASON_LENGTH} characters or fewer",
        },
    )


class DisputeCorrectForm(GuardedForm, DisputeRaiseForm):
    """A challenge's details; a save from a page drawn before someone else's correction is
    refused, saying what changed (core.forms.GuardedForm)."""

    submit_label = "Save the correction"

    reason = _correction_reason()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_on"].not_in_future = True

    def layout_fields(self) -> list:
        return ["seen", *super().layout_fields(), "reason"]


class StageCorrectForm(GuardedForm):
    submit_label = "Save the correction"

    addressee = forms.CharField(
        label="Name of the person the challenge is addressed to",
        max_length=120,
        error_messages={"required": "Enter who the challenge is addressed to"},
    )
    started_on = gds_date("Date of the escalation", not_in_future=True)
    responded_on = gds_date("Date of the response", not_in_future=True)
    response = forms.CharField(
        label="What did they say?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the response"},
    )
    reason = _correction_reason()

    def __init__(self, *args, stage, raised_on, **kwargs):
        current = {"addressee": stage.addressee, "started_on": stage.started_on}
        if stage.responded_on is not None:
            current |= {"responded_on": stage.responded_on, "response": stage.response}
        super().__init__(*args, current=current, **kwargs)
        if stage.responded_on is None:
            # No response yet: recording one is its own page.
            del self.fields["responded_on"], self.fields["response"]
            self.helper.layout = self.helper.layout.__class__(
                *[f for f in self.helper.layout.fields if f not in ("responded_on", "response")]
            )
        self.fields["started_on"].not_before = (raised_on, "the date the challenge was raised")
