"""Forms for conferences: booking (one meeting for a sibling group), invitations,
attendance, outcomes and minutes. Writes go through protection.services."""

from __future__ import annotations

from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from core.codes import CategoryOfAbuse
from core.forms import ServiceForm, gds_date
from iro.forms import MeetingForm
from protection.models import Attendance, ConferenceKind, ConferenceOutcome, InvitationKind


class ConferenceBookingForm(MeetingForm):
    submit_label = "Book the conference"

    children = forms.MultipleChoiceField(
        label="Children this conference covers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one child"},
    )
    transfer_notified_on = gds_date("Date the transfer was notified", required=False)

    def __init__(self, *args, kind: str, child_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["children"].choices = child_choices
        self.fields[
            "children"
        ].help_text = "Brothers and sisters who need the same conference can share one meeting."
        fields = ["children", "date", "time", "venue", "chair"]
        if kind == ConferenceKind.TRANSFER_IN:
            fields.append("transfer_notified_on")
        else:
            del self.fields["transfer_notified_on"]
        if "confirm_clash" in self.fields:
            fields.append("confirm_clash")
        self.helper.layout = Layout(
            Field.checkboxes("children", legend_size=Size.SMALL),
            *fields[1:],
            Button("submit", self.submit_label),
        )


class InvitationForm(ServiceForm):
    submit_label = "Add the invitation"

    name = forms.CharField(
        label="Name",
        max_length=120,
        error_messages={"required": "Enter the name of the person invited"},
    )
    kind = forms.ChoiceField(
        label="Family member or professional?",
        choices=InvitationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose family member or professional"},
    )
    role = forms.CharField(
        label="Relationship or role",
        max_length=80,
        help_text="For example, mother, health visitor, school.",
        error_messages={"required": "Enter their role or relationship to the child"},
    )
    has_parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    invited_on = gds_date("Date invited", required=False)

    def layout_fields(self):
        return [
            "name",
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            "role",
            "has_parental_responsibility",
            "invited_on",
        ]


class AttendanceForm(ServiceForm):
    submit_label = "Save attendance"

    attendance = forms.ChoiceField(
        label="Did they attend?",
        choices=[c for c in Attendance.choices if c[0] != Attendance.INVITED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they attended"},
    )
    exclusion_reason = forms.CharField(
        label="If excluded, why?",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def layout_fields(self):
        return [Field.radios("attendance", legend_size=Size.SMALL), "exclusion_reason"]


class OutcomeForm(ServiceForm):
    """What the conference decided for each child; fields are named as the service's errors."""

    submit_label = "Record the outcome"

    held_on = gds_date("Date the conference was held")

    def __init__(self, *args, conference, entries, **kwargs):
        super().__init__(*args, **kwargs)
        review = conference.kind == ConferenceKind.REVIEW
        outcomes = (
            [ConferenceOutcome.PLAN_CONTINUED, ConferenceOutcome.PLAN_ENDED]
            if review
            else [ConferenceOutcome.PLAN_STARTED, ConferenceOutcome.NO_PLAN]
        )
        layout = ["held_on"]
        for entry in entries:
            child = entry.child
            self.fields[f"outcome-{child.child_id}"] = forms.ChoiceField(
                label=f"Outcome for {child.full_name}",
                choices=[(o.value, o.label) for o in outcomes],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose the outcome of the conference for {child.full_name}"
                },
            )
            layout.append(Field.radios(f"outcome-{child.child_id}", legend_size=Size.SMALL))
            if not review:
                self.fields[f"category-{child.child_id}"] = forms.ChoiceField(
                    label=f"If a plan started, category of abuse for {child.full_name}",
                    choices=[("", "Choose a category"), *CategoryOfAbuse.choices],
                    required=False,
                )
                layout.append(f"category-{child.child_id}")
        self.entries = entries
        self.helper.layout = Layout(*layout, Button("submit", self.submit_label))

    def clean(self):
        data = super().clean()
        for entry in self.entries:
            child = entry.child
            started = data.get(f"outcome-{child.child_id}") == ConferenceOutcome.PLAN_STARTED
            if started and not data.get(f"category-{child.child_id}"):
                self.add_error(
                    f"category-{child.child_id}",
                    f"Choose the category of abuse for {child.full_name}'s plan",
                )
        return data


class MinutesForm(ServiceForm):
    submit_label = "Save"

    minutes_sent_on = gds_date("Date the minutes were sent")


class CancelForm(ServiceForm):
    submit_label = "Cancel the conference"

    cancellation_reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=200,
        error_messages={"required": "Enter why the conference is cancelled"},
    )
