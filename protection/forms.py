"""Forms for conferences: booking (one meeting for a sibling group), invitations,
attendance, outcomes and minutes. Writes go through protection.services."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from core.codes import CategoryOfAbuse
from core.decisions import reason_field
from core.forms import ServiceForm, gds_date
from core.invitations import InvitationFormBase
from iro.forms import MeetingForm
from iro.models import IndependentReviewingOfficer
from protection.models import (
    Attendance,
    ConferenceKind,
    ConferenceOutcome,
    InvitationKind,
)

STRATEGY_BEFORE_REFERRAL = (
    "The date of the strategy discussion must be on or after the referral date, {date}"
)
CHOOSE_ICPC_NEEDED = "Choose whether an initial child protection conference is needed"
ICPC_NEEDED = "Is an initial child protection conference needed?"
ICPC_NEEDED_YES = "Yes, the enquiry found the child may be at risk of significant harm"
ICPC_NEEDED_NO = "No, an initial conference is not needed"
CORRECTION_REASON = "Why are you correcting it?"


def _born(field: Any, child) -> None:  # a GDSDateField
    """A born child's dates are not before their birth; an unborn child's may be."""
    if child.date_of_birth is not None:
        field.not_before = (child.date_of_birth, "the child's date of birth")


class ReferralForm(ServiceForm):
    """Question page 1: the referral and the strategy discussion that started the
    section 47 enquiry (the enquiry's start date in the CIN census)."""

    submit_label = "Continue"

    referral_on = gds_date(
        "Referral date",
        help_text="The day the referral arrived. For example, 27 3 2026.",
        not_in_future=True,
    )
    strategy_discussion_on = gds_date(
        "Date of the strategy discussion",
        help_text=(
            "The strategy discussion at which the section 47 enquiry started. This is the "
            "section 47 start date in the CIN census, and the initial conference's "
            "15 working days count from it."
        ),
        not_in_future=True,
    )

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        _born(self.fields["referral_on"], child)
        _born(self.fields["strategy_discussion_on"], child)

    def clean(self):
        data = super().clean()
        referral, strategy = data.get("referral_on"), data.get("strategy_discussion_on")
        if referral and strategy and strategy < referral:
            from core.dates import long_date

            self.add_error(
                "strategy_discussion_on", STRATEGY_BEFORE_REFERRAL.format(date=long_date(referral))
            )
        return data


class IcpcNeededForm(ServiceForm):
    """Question page 2: the strategy discussion's outcome."""

    submit_label = "Continue"

    icpc_needed = forms.ChoiceField(
        label=ICPC_NEEDED,
        choices=[("yes", ICPC_NEEDED_YES), ("no", ICPC_NEEDED_NO)],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_ICPC_NEEDED},
    )

    def layout_fields(self):
        return [Field.radios("icpc_needed", legend_size=Size.MEDIUM, legend_tag="h1")]


class ConfirmForm(ServiceForm):
    """A check-your-answers page's one button."""

    submit_label = "Save"

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class TransferInForm(ServiceForm):
    """Notice that a child on another council's plan is moving here."""

    submit_label = "Continue"

    notified_on = gds_date(
        "Date notified",
        help_text="The day written notice came from the other council.",
        not_in_future=True,
    )
    from_council = forms.CharField(
        label="Council the child is moving from",
        max_length=100,
        error_messages={"required": "Enter the council the child is moving from"},
    )

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        _born(self.fields["notified_on"], child)


class EnquiryCorrectForm(ReferralForm):
    """Correct a referral's section 47 enquiry: its dates, whether an initial conference
    is needed, and why (the fields are named as protection.services.section47_correct's
    arguments and errors)."""

    submit_label = "Save the correction"

    icpc_not_required = forms.TypedChoiceField(
        label=ICPC_NEEDED,
        choices=[("false", ICPC_NEEDED_YES), ("true", ICPC_NEEDED_NO)],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_ICPC_NEEDED},
    )
    reason = reason_field(CORRECTION_REASON)

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, child=child, **kwargs)
        # An enquiry loaded from a census may have no referral date.
        self.fields["referral_on"].required = False

    def layout_fields(self):
        return [
            "referral_on",
            "strategy_discussion_on",
            Field.radios("icpc_not_required", legend_size=Size.SMALL),
            "reason",
        ]


class TransferInCorrectForm(TransferInForm):
    """Correct a transfer-in notice's date or council, and why."""

    submit_label = "Save the correction"

    reason = reason_field(CORRECTION_REASON)


class ConferenceBookingForm(MeetingForm):
    submit_label = "Book the conference"

    children = forms.MultipleChoiceField(
        label="Children this conference covers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one child"},
    )
    deputy_chair = forms.ModelChoiceField(
        label="Deputy (optional)",
        queryset=IndependentReviewingOfficer.objects.none(),
        required=False,
        empty_label="No deputy",
        help_text="Another IRO who may record the outcome if the chair cannot.",
    )
    transfer_notified_on = gds_date("Date the transfer was notified", required=False)

    def __init__(self, *args, kind: str, child_choices, notified: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        deputy = cast(forms.ModelChoiceField, self.fields["deputy_chair"])
        deputy.queryset = cast(forms.ModelChoiceField, self.fields["chair"]).queryset
        self.fields["children"].choices = child_choices
        self.fields[
            "children"
        ].help_text = "Brothers and sisters who need the same conference can share one meeting."
        fields = ["children", "date", "time", "venue", "chair", "deputy_chair"]
        if kind == ConferenceKind.TRANSFER_IN and not notified:
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


class InvitationForm(InvitationFormBase):
    submit_label = "Add the invitation"

    kind = forms.ChoiceField(
        label="Family member or professional?",
        choices=InvitationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose family member or professional"},
    )
    has_parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    invited_on = gds_date("Date invited", required=False, not_in_future=True)

    def layout_fields(self):
        return [
            "name",
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            "role",
            "has_parental_responsibility",
            Field.radios("delivery", legend_size=Size.SMALL),
            "email",
            "address",
            "invited_on",
        ]


class InvitationCorrectionForm(InvitationForm):
    submit_label = "Save the correction"

    reason = forms.CharField(
        label="Why is it being corrected?",
        max_length=300,
        error_messages={"required": "Enter why the invitation is being corrected"},
    )

    def layout_fields(self):
        return [f for f in super().layout_fields() if f != "invited_on"] + ["reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["invited_on"]


class WithdrawalForm(ServiceForm):
    submit_label = "Withdraw the invitation"

    reason = forms.CharField(
        label="Why is the invitation being withdrawn?",
        max_length=300,
        error_messages={"required": "Enter why the invitation is being withdrawn"},
    )


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
    # Fields after the children's outcomes (a correction's reason).
    closing_fields: tuple[str, ...] = ()

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
        self.helper.layout = Layout(
            *layout, *self.closing_fields, Button("submit", self.submit_label)
        )

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


class OutcomeCorrectForm(OutcomeForm):
    """Correct a held conference's date and outcomes, saying why."""

    submit_label = "Save the correction"
    closing_fields = ("reason",)

    reason = reason_field(CORRECTION_REASON)


class MinutesForm(ServiceForm):
    submit_label = "Save"

    minutes_sent_on = gds_date("Date the minutes were sent")


class ReportsForm(ServiceForm):
    submit_label = "Save"

    reports_in_on = gds_date("Date the reports were all in", not_in_future=True)


class CancelForm(ServiceForm):
    submit_label = "Cancel the conference"

    cancellation_reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=200,
        error_messages={"required": "Enter why the conference is cancelled"},
    )


class RescheduleForm(MeetingForm):
    submit_label = "Move the conference"

    reason = forms.CharField(
        label="Why is it moving?",
        max_length=300,
        error_messages={"required": "Enter why the conference is moving"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ["date", "time", "venue", "chair", "reason"]
        if "confirm_clash" in self.fields:
            fields.append("confirm_clash")
        self.helper.layout = Layout(*fields, Button("submit", self.submit_label))
