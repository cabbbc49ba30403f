from typing import cast

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.db.models import Q

from core.dates import long_date
from core.decisions import reason_field
from core.forms import GDSDateField, GuardedForm, ServiceForm, gds_date
from core.models import User
from core.roles import Role
from fostering.models import MOST_PLACES, OLDEST_AGE, ApprovalEnd, CareType, FosterCarerHousehold
from fostering.services import (
    AGE_BOTH,
    AGE_ORDER,
    END_KIND_REQUIRED,
    NAME_REQUIRED,
    REFERENCE_FORMAT,
    REFERENCE_REQUIRED,
    reference_problem,
)

REASON_LENGTH = 1000
REASON_TOO_LONG = f"The reason must be {REASON_LENGTH} characters or fewer"

DUE_FILTERS = [
    ("", "Any time"),
    ("overdue", "Overdue"),
    ("28", "Overdue or due within 28 days"),
    ("90", "Overdue or due within 3 months"),
]
APPROVAL_FILTERS = [("", "Approved now"), ("ended", "Approval ended"), ("all", "All households")]


class HouseholdFilterForm(forms.Form):
    """The carers list's filters: plain GET fields, so they work without JavaScript."""

    q = forms.CharField(label="Name or reference", required=False, max_length=60)
    due = forms.ChoiceField(label="Next review", required=False, choices=DUE_FILTERS)
    approval = forms.ChoiceField(label="Approval", required=False, choices=APPROVAL_FILTERS)


def reviewing_officers(household: FosterCarerHousehold, also: int | None = None):
    """Active IROs and business support staff, whoever reviews the household now, and
    `also` (who chaired the review being corrected)."""
    return (
        User.objects.filter(
            Q(is_active=True, groups__name__in=[Role.IRO.label, Role.BUSINESS_SUPPORT.label])
            | Q(pk=household.reviewing_officer_id)
            | Q(pk=also)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class CarerReviewForm(ServiceForm):
    submit_label = "Record the review"

    held_on = gds_date("Date of the review meeting", not_in_future=True)
    reviewing_officer = forms.ModelChoiceField(
        label="Reviewing officer",
        queryset=User.objects.none(),
        empty_label="Choose who chaired the review",
        help_text="Not the IRO of a child placed with these carers.",
        error_messages={"required": "Choose who chaired the review"},
    )
    referred_to_panel = forms.BooleanField(
        label="The review report is going to the fostering panel", required=False
    )
    panel_on = gds_date("Date of the panel", required=False, help_text="If it is booked.")
    recommendation = forms.CharField(
        label="Recommendation",
        help_text="Whether the carers and household remain suitable, and whether the terms "
        "of approval are still appropriate.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the review's recommendation"},
    )
    confirm_conflict = forms.BooleanField(label="Record the review anyway", required=False)

    def __init__(
        self,
        *args,
        household: FosterCarerHousehold,
        first: bool,
        officer_id: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        officer = cast(forms.ModelChoiceField, self.fields["reviewing_officer"])
        officer.queryset = reviewing_officers(household, officer_id)
        officer.label_from_instance = lambda user: str(user)  # type: ignore[assignment]
        held_on = cast(GDSDateField, self.fields["held_on"])
        held_on.not_before = (household.approved_on, "the date of approval")
        held_on.not_after = (household.approval_ended_on, "the end of the approval")
        if first:
            self.fields["referred_to_panel"].help_text = (
                "This is the household's first review since approval on "
                f"{long_date(household.approved_on)}, so it must go to the fostering panel."
            )
        else:
            self.fields[
                "referred_to_panel"
            ].help_text = (
                "Later reviews go to panel when there are concerns or a change to approval."
            )
        self.asking_to_confirm = False

    def layout_fields(self) -> list:
        return [
            "held_on",
            "reviewing_officer",
            Field.checkbox("referred_to_panel"),
            "panel_on",
            "recommendation",
        ]

    def ask_to_confirm(self, officer) -> None:
        """Show the "anyway" checkbox under the warning, once a conflict is known."""
        self.asking_to_confirm = True
        label = f"Record the review with {officer} anyway"
        # The bound field, made while validating, keeps its own copy of the label.
        self.fields["confirm_conflict"].label = self["confirm_conflict"].label = label
        self.helper.layout.fields.insert(0, Field.checkbox("confirm_conflict"))


def _number(label: str, *, required: bool, lowest: int, highest: int, **kwargs) -> forms.Field:
    """A whole number typed in a GOV.UK text input, with messages naming the question."""
    lower = label[:1].lower() + label[1:]
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=lowest,
        max_value=highest,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {lower}",
            "invalid": f"{label} must be a whole number, like {lowest + 1}",
            "min_value": f"{label} must be {lowest} or more",
            "max_value": f"{label} must be {highest} or fewer",
        },
        **kwargs,
    )


class HouseholdDetailsForm(ServiceForm):
    """Adding a household, question page 1: who the carers are and when they were approved."""

    submit_label = "Continue"

    reference = forms.CharField(
        label="Household reference",
        max_length=20,
        help_text="The fostering service's reference, for example FC-0101.",
        error_messages={
            "required": REFERENCE_REQUIRED,
            "max_length": REFERENCE_FORMAT,
        },
    )
    name = forms.CharField(
        label="Carers' names",
        max_length=120,
        help_text="As the unit uses them, for example Alex and Sam Carer.",
        error_messages={"required": NAME_REQUIRED},
    )
    approved_on = gds_date(
        "Date of approval",
        help_text="The agency decision maker's decision. For example, 27 3 2025.",
        not_in_future=True,
    )
    reviewing_officer = forms.ModelChoiceField(
        label="Reviewing officer (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not chosen yet",
        help_text="Who will chair the household's reviews: not the IRO of a child placed there.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewing_officer"].queryset = reviewing_officers(FosterCarerHousehold())
        self.fields["reviewing_officer"].label_from_instance = lambda user: str(user)

    def layout_fields(self) -> list:
        return [
            Field.text("reference", field_width=10),
            "name",
            "approved_on",
            "reviewing_officer",
        ]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if problem := reference_problem(reference):
            raise forms.ValidationError(problem)
        return reference


class HouseholdCorrectForm(GuardedForm):
    """Correct a household's reference or carers' names, with a reason
    (fostering.services.household_details_correct); a save from a page drawn before
    someone else's correction is refused, saying what changed."""

    submit_label = "Save the correction"

    reference = HouseholdDetailsForm.base_fields["reference"]
    name = HouseholdDetailsForm.base_fields["name"]
    reason = reason_field(
        "Why are you correcting these details?",
        hint="For example, the reference was typed wrongly. It is kept with the household's "
        "history, with what the details were before.",
    )

    def __init__(self, *args, household: FosterCarerHousehold, **kwargs):
        self.household = household
        super().__init__(*args, **kwargs)

    def layout_fields(self) -> list:
        return ["seen", Field.text("reference", field_width=10), "name", "reason"]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if reference != self.household.reference and (
            problem := reference_problem(reference, excluding=self.household)
        ):
            raise forms.ValidationError(problem)
        return reference


class TermsForm(ServiceForm):
    """The terms of approval: how many children, of what ages, for what kinds of care."""

    submit_label = "Continue"

    places = _number("Number of children", required=True, lowest=1, highest=MOST_PLACES)
    age_from = _number(
        "Youngest age (optional)",
        required=False,
        lowest=0,
        highest=OLDEST_AGE,
        help_text="In years: 0 for a baby.",
    )
    age_to = _number("Oldest age (optional)", required=False, lowest=0, highest=OLDEST_AGE)
    care_types = forms.MultipleChoiceField(
        label="Kinds of care",
        choices=CareType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Choose at least one kind of care"},
    )
    conditions = forms.CharField(
        label="Other conditions (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, including sibling groups, or the named children of a "
        "connected person.",
    )

    def layout_fields(self) -> list:
        return [
            Field.text("places", field_width=2),
            Field.text("age_from", field_width=2),
            Field.text("age_to", field_width=2),
            Field.checkboxes("care_types", legend_size=Size.SMALL),
            "conditions",
        ]

    def clean(self):
        data = super().clean() or {}
        age_from, age_to = data.get("age_from"), data.get("age_to")
        if "age_from" in data and "age_to" in data:
            if (age_from is None) != (age_to is None):
                self.add_error("age_to" if age_to is None else "age_from", AGE_BOTH)
            elif age_from is not None and age_to is not None and age_from > age_to:
                self.add_error("age_from", AGE_ORDER)
        return data


class TermsChangeForm(TermsForm):
    submit_label = "Save the new terms"

    changed_on = gds_date(
        "Date the terms changed",
        help_text="The agency decision maker's decision. For example, 27 3 2025.",
        not_in_future=True,
    )
    reason = forms.CharField(
        label="Why did the terms change?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the review of 4 March recommended approval for sibling groups.",
        max_length=REASON_LENGTH,
        error_messages={"max_length": REASON_TOO_LONG, "required": "Enter why the terms changed"},
    )

    def __init__(self, *args, household: FosterCarerHousehold, **kwargs):
        super().__init__(*args, **kwargs)
        changed_on = cast(GDSDateField, self.fields["changed_on"])
        changed_on.not_before = (household.approved_on, "the date of approval")

    def layout_fields(self) -> list:
        return ["changed_on", *super().layout_fields(), "reason"]


class ApprovalEndForm(ServiceForm):
    submit_label = "End the approval"

    kind = forms.ChoiceField(
        label="Why did the approval end?",
        choices=ApprovalEnd.choices,
        widget=forms.RadioSelect,
        error_messages={"required": END_KIND_REQUIRED},
    )
    ended_on = gds_date("Date the approval ended", not_in_future=True)
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the carers retired, or the decision and its date.",
        max_length=REASON_LENGTH,
        error_messages={
            "max_length": REASON_TOO_LONG,
            "required": "Enter the reason the approval ended",
        },
    )

    def __init__(self, *args, household: FosterCarerHousehold, **kwargs):
        super().__init__(*args, **kwargs)
        ended_on = cast(GDSDateField, self.fields["ended_on"])
        ended_on.not_before = (household.approved_on, "the date of approval")

    def layout_fields(self) -> list:
        return [Field.radios("kind", legend_size=Size.SMALL), "ended_on", "reason"]


class CarerReviewCorrectForm(CarerReviewForm):
    submit_label = "Save the correction"

    reason = forms.CharField(
        label="Why are you correcting the review?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The review's record keeps what it said before, and this reason.",
        max_length=REASON_LENGTH,
        error_messages={
            "max_length": REASON_TOO_LONG,
            "required": "Enter why you are correcting the review",
        },
    )

    def layout_fields(self) -> list:
        return [*super().layout_fields(), "reason"]


class CarerReviewWithdrawForm(ServiceForm):
    submit_label = "Withdraw the review"

    reason = forms.CharField(
        label="Why is the review being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, recorded against the wrong household. The review stays on "
        "record, but no longer counts.",
        max_length=REASON_LENGTH,
        error_messages={
            "max_length": REASON_TOO_LONG,
            "required": "Enter why the review is being withdrawn",
        },
    )
