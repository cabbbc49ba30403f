from crispy_forms_gds.layout import Field
from django import forms
from django.db.models import Q

from core.dates import long_date
from core.forms import ServiceForm, gds_date
from core.models import User
from core.roles import Role
from fostering.models import FosterCarerHousehold

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


def reviewing_officers(household: FosterCarerHousehold):
    """Active IROs and business support staff, and whoever reviews the household now."""
    return (
        User.objects.filter(
            Q(is_active=True, groups__name__in=[Role.IRO.label, Role.BUSINESS_SUPPORT.label])
            | Q(pk=household.reviewing_officer_id)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class CarerReviewForm(ServiceForm):
    submit_label = "Record the review"

    held_on = gds_date("Date of the review meeting")
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

    def __init__(self, *args, household: FosterCarerHousehold, first: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewing_officer"].queryset = reviewing_officers(household)
        self.fields["reviewing_officer"].label_from_instance = lambda user: str(user)
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
