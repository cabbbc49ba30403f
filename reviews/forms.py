"""Forms for looked-after reviews and IRO contacts. Writes go through reviews.services."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from core.codes import (
    CategoryOfNeed,
    LegalStatus,
    ParticipationCode,
    PermanencePlan,
    Placement,
    PlacementProvider,
    ReasonEpisodeCeased,
    ReasonNewEpisode,
    ReasonPlaceChange,
)
from core.dates import long_date
from core.decisions import DecisionCorrectForm, DecisionDoneForm, WithdrawForm  # noqa: F401
from core.decisions import reason_field as _reason_field
from core.forms import GuardedForm, ServiceForm, gds_date
from core.invitations import ENTER_WITHDRAWAL_REASON, InvitationDelivery, InvitationFormBase
from core.spec_years import PLACEMENTS_WITHOUT_PROVIDER, choices_on
from iro.forms import MeetingForm
from reviews.models import (
    ContactKind,
    ReviewAttendance,
    ReviewContribution,
    ReviewInvitationKind,
)
from reviews.rules import PROVIDER_NOT_GIVEN_FOR
from reviews.services import (
    BOOKING_EXISTS,
    participation_codes_for_age,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
CHOOSE_PROVIDER = "Choose the placement provider"


class ReviewRecordForm(ServiceForm):
    """A held review. The participation codes offered depend on the child's age."""

    submit_label = "Record the review"

    held_on = gds_date("Date of the review")
    participation_code = forms.ChoiceField(
        label="How did the child take part?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child took part in the review"},
    )
    child_seen_alone = forms.ChoiceField(
        label="Did you see the child on their own before the review?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you saw the child on their own"},
    )
    permanence_plan = forms.ChoiceField(
        label="Permanence plan",
        choices=PermanencePlan.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    decisions_circulated_on = gds_date("Date the decisions went out", required=False)
    record_circulated_on = gds_date("Date the full record went out", required=False)

    def __init__(self, *args, child, on: dt.date, needs_permanence_plan: bool, **kwargs):
        super().__init__(*args, **kwargs)
        codes = participation_codes_for_age(date_of_birth=child.date_of_birth, held_on=on)
        self.fields["participation_code"].choices = [
            (c, label) for c, label in ParticipationCode.choices if c in codes
        ]
        if needs_permanence_plan:
            self.fields["permanence_plan"].help_text = "Required from the second review."
        else:
            self.fields["permanence_plan"].help_text = "Required from the second review; "
            self.fields["permanence_plan"].help_text += "record it now if it is known."
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "held_on",
            Field.radios("participation_code", legend_size=Size.SMALL),
            Field.radios("child_seen_alone", legend_size=Size.SMALL, inline=True),
            Field.radios("permanence_plan", legend_size=Size.SMALL),
            Fieldset(
                "decisions_circulated_on",
                "record_circulated_on",
                legend="Circulation (if already done)",
                legend_size=Size.SMALL,
            ),
        )

    def clean_child_seen_alone(self):
        return self.cleaned_data["child_seen_alone"] == "yes"


class DecisionForm(forms.Form):
    """One decision of the review: an action, who owns it and when it is due."""

    action = forms.CharField(
        label="Decision", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="Who is responsible", required=False, max_length=100)
    due_on = gds_date("Due by", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from crispy_forms_gds.helper import FormHelper

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("action") or data.get("owner") or data.get("due_on"))


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=20)


class CirculationForm(GuardedForm):
    submit_label = "Save the dates"

    decisions_circulated_on = gds_date("Date the decisions went out", required=False)
    record_circulated_on = gds_date("Date the full record went out", required=False)


def _not_before_birth(field, child) -> None:
    if child is not None and child.date_of_birth is not None:
        field.not_before = (child.date_of_birth, f"{child.full_name}'s date of birth")


class ContactForm(ServiceForm):
    submit_label = "Record the contact"

    occurred_on = gds_date("Date of the contact", not_in_future=True)
    kind = forms.ChoiceField(
        label="Type of contact",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of contact"},
    )
    seen_alone = forms.BooleanField(label="I saw the child on their own", required=False)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Keep case details in the child's record; this is a short note.",
    )

    def __init__(self, *args, child=None, **kwargs):
        super().__init__(*args, **kwargs)
        _not_before_birth(self.fields["occurred_on"], child)

    def layout_fields(self):
        return [
            "occurred_on",
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            "seen_alone",
            "note",
            *(["reason"] if "reason" in self.fields else []),
        ]


class ContactCorrectForm(ContactForm):
    submit_label = "Save the correction"

    reason = _reason_field("Why are you correcting it?")


# Booking, moving and cancelling a review -----------------------------------------------


class ReviewBookingForm(MeetingForm):
    """A looked-after review's date, time, venue and chair (iro.forms.MeetingForm), not
    in the past and not before the child's period of care started."""

    date = gds_date("Date", not_in_past=True)

    def __init__(self, *args, child=None, period=None, booked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.child, self.booked = child, booked
        start = period and (period.started_on or period.first_recorded_on)
        if start and child is not None:
            self.fields["date"].not_before = (
                start,
                f"the day {child.full_name} started to be looked after",
            )

    def clean_date(self):
        """A child has one review booked at a time: move that one instead (before any
        warning is shown about the date)."""
        day = self.cleaned_data["date"]
        if self.booked is not None and self.booked.scheduled_for is not None:
            when = timezone.localtime(self.booked.scheduled_for)
            raise forms.ValidationError(
                BOOKING_EXISTS.format(
                    child=self.child.full_name,
                    when=f"{long_date(when.date())} at {when:%H:%M}",
                )
            )
        return day


class ReviewRescheduleForm(ReviewBookingForm):
    submit_label = "Move the review"

    reason = forms.CharField(
        label="Why is the review being moved?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the review is being moved"},
    )

    def layout_fields(self):
        order = ["date", "time", "venue", "chair", "reason", "confirm_clash"]
        return [name for name in order if name in self.fields]


class ReviewCancelForm(ServiceForm):
    submit_label = "Cancel the review"

    cancellation_reason = forms.CharField(
        label="Why is the review cancelled?",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the review is cancelled"},
    )


class ReviewCorrectForm(ServiceForm):
    """A held review's date, participation code and whether the child was seen alone."""

    submit_label = "Save the correction"

    held_on = gds_date("Date of the review", not_in_future=True)
    participation_code = forms.ChoiceField(
        label="How did the child take part?",
        choices=ParticipationCode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the child took part in the review"},
    )
    child_seen_alone = forms.ChoiceField(
        label="Did you see the child on their own before the review?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you saw the child on their own"},
    )
    reason = _reason_field("Why are you correcting it?")

    def layout_fields(self):
        return [
            "held_on",
            Field.radios("participation_code", legend_size=Size.SMALL),
            Field.radios("child_seen_alone", legend_size=Size.SMALL, inline=True),
            "reason",
        ]

    def clean_child_seen_alone(self):
        return self.cleaned_data["child_seen_alone"] == "yes"


# A decision: done, corrected or withdrawn -----------------------------------------------


# Starting, changing and ending a period of care: one question a page ---------------------


class CareQuestion(ServiceForm):
    """A page of a care journey (reviews.care_views). `child` and `current` (the open
    episode, for a change) are the journey's; `answers` those of its earlier pages."""

    submit_label = "Continue"

    def __init__(self, *args, child, current=None, answers=None, **kwargs):
        self.child, self.current = child, current
        self.answers = answers or {}
        super().__init__(*args, **kwargs)

    def episode_day(self) -> dt.date:
        """The day the episode starts, as answered: its codes are that collection year's."""
        return (
            self.answers.get("started_on") or self.answers.get("changed_on") or timezone.localdate()
        )


def _after_current_start(form: CareQuestion, day: dt.date, what: str) -> dt.date:
    """A change or an end is after the day the open episode started (an episode lasts
    at least a day)."""
    if form.current is not None and day <= form.current.started_on:
        raise forms.ValidationError(
            f"{what} must be after the current episode started, on "
            f"{long_date(form.current.started_on)}"
        )
    return day


def _radios(name: str):
    return Field.radios(name, legend_size=Size.MEDIUM)


class CareStartedForm(CareQuestion):
    started_on = gds_date(
        "Date they started to be looked after",
        not_in_future=True,
        help_text="For example, 1 12 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _not_before_birth(self.fields["started_on"], self.child)


class LegalStatusForm(CareQuestion):
    legal_status = forms.ChoiceField(
        label="Legal status",
        choices=LegalStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the legal status"},
    )

    def layout_fields(self):
        return [_radios("legal_status")]


class CategoryOfNeedForm(CareQuestion):
    category_of_need = forms.ChoiceField(
        label="Category of need",
        choices=CategoryOfNeed.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the category of need"},
    )

    def layout_fields(self):
        return [_radios("category_of_need")]


class PlacementForm(CareQuestion):
    placement = forms.ChoiceField(
        label="Type of placement",
        choices=[("", "Choose the type of placement"), *Placement.choices],
        error_messages={"required": "Choose the type of placement"},
    )
    placement_provider = forms.ChoiceField(
        label="Placement provider",
        choices=PlacementProvider.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Not given for placements Z11 to Z14.",
    )
    placement_postcode = forms.CharField(
        label="Postcode of the placement (optional)", max_length=8, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The placement types of the collection year the episode starts in.
        self.fields["placement"].choices = [
            ("", "Choose the type of placement"),
            *choices_on("placement", Placement, self.episode_day()),
        ]

    def layout_fields(self):
        return [
            "placement",
            Field.radios("placement_provider", legend_size=Size.SMALL),
            "placement_postcode",
        ]

    def clean(self):
        cleaned = super().clean()
        place, provider = cleaned.get("placement"), cleaned.get("placement_provider")
        if place in PLACEMENTS_WITHOUT_PROVIDER:
            if provider:
                self.add_error("placement_provider", PROVIDER_NOT_GIVEN_FOR.format(place=place))
        elif place and not provider:
            self.add_error("placement_provider", CHOOSE_PROVIDER)
        return cleaned


CHANGE_LEGAL_STATUS, CHANGE_PLACEMENT, CHANGE_BOTH = "legal_status", "placement", "both"


class ChangeWhatForm(CareQuestion):
    changes = forms.ChoiceField(
        label="What has changed?",
        choices=[
            (CHANGE_LEGAL_STATUS, "The legal status only"),
            (CHANGE_PLACEMENT, "The placement only"),
            (CHANGE_BOTH, "Both the legal status and the placement"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what has changed"},
    )
    changed_on = gds_date("Date of the change", not_in_future=True)

    def layout_fields(self):
        return [Field.radios("changes", legend_size=Size.SMALL), "changed_on"]

    def clean_changed_on(self):
        return _after_current_start(self, self.cleaned_data["changed_on"], "The change")


class ChangePlacementForm(PlacementForm):
    same_carer = forms.ChoiceField(
        label="Is the child staying with the same carer?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the child is staying with the same carer"},
    )
    reason_place_change = forms.ChoiceField(
        label="Reason the placement changed",
        choices=[("", "Choose the reason"), *ReasonPlaceChange.choices],
        required=False,
        help_text="Not needed when the new or the old placement is a temporary one (T0 to T4).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_place_change"].choices = [
            ("", "Choose the reason"),
            *choices_on("reason_place_change", ReasonPlaceChange, self.episode_day()),
        ]

    def layout_fields(self):
        return [
            *super().layout_fields(),
            Field.radios("same_carer", legend_size=Size.SMALL, inline=True),
            "reason_place_change",
        ]

    def clean_same_carer(self):
        return self.cleaned_data["same_carer"] == "yes"


class CareEndedForm(CareQuestion):
    ended_on = gds_date("Date they stopped being looked after", not_in_future=True)
    reason_ceased = forms.ChoiceField(
        label="Why did they stop being looked after?",
        choices=[(c, label) for c, label in ReasonEpisodeCeased.choices if c != "X1"],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why they stopped being looked after"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # This year's reasons; an end dated in another year is checked against that
        # year's when saved (reviews.rules.episode_end_problems).
        self.fields["reason_ceased"].choices = [
            (c, label)
            for c, label in choices_on("reason_ceased", ReasonEpisodeCeased, timezone.localdate())
            if c != "X1"
        ]

    def layout_fields(self):
        return ["ended_on", Field.radios("reason_ceased", legend_size=Size.SMALL)]

    def clean_ended_on(self):
        return _after_current_start(self, self.cleaned_data["ended_on"], "Care")


# Correcting or withdrawing an episode entered wrongly ----------------------------------


def _code(label: str, choices, *, required: bool = True, choose: str = "") -> forms.ChoiceField:
    blank = [("", choose or f"Choose the {label[0].lower()}{label[1:]}")]
    return forms.ChoiceField(
        label=label,
        choices=[*blank, *choices],
        required=required,
        error_messages={"required": f"Choose the {label[0].lower()}{label[1:]}"},
    )


class EpisodeCorrectForm(ServiceForm):
    """An episode's dates and codes as the SSDA903 has them, and why they are corrected
    (reviews.services.episode_correct checks them with the DfE rules)."""

    submit_label = "Save the correction"

    started_on = gds_date("Start date (DECOM)", not_in_future=True)
    reason_new_episode = _code("Reason for new episode (RNE)", ReasonNewEpisode.choices)
    legal_status = _code("Legal status (LS)", LegalStatus.choices)
    category_of_need = _code("Category of need (CIN)", CategoryOfNeed.choices)
    placement = _code("Type of placement (PLACE)", Placement.choices)
    placement_provider = _code(
        "Placement provider", PlacementProvider.choices, required=False, choose="Not recorded"
    )
    placement_postcode = forms.CharField(
        label="Postcode of the placement (optional)", max_length=8, required=False
    )
    ended_on = gds_date(
        "End date (DEC)", required=False, help_text="Leave empty while the episode is open."
    )
    reason_ceased = _code(
        "Reason episode ceased (REC)",
        ReasonEpisodeCeased.choices,
        required=False,
        choose="Not ended",
    )
    reason_place_change = _code(
        "Reason the placement changed",
        ReasonPlaceChange.choices,
        required=False,
        choose="None recorded",
    )
    reason = _reason_field("Why are you correcting it?")

    def __init__(self, *args, child=None, **kwargs):
        super().__init__(*args, **kwargs)
        _not_before_birth(self.fields["started_on"], child)


# Invitations to a booked review ------------------------------------------------------


class ReviewInvitationForm(InvitationFormBase):
    """Who is invited to the review and how the invitation reaches them."""

    submit_label = "Invite them"

    kind = forms.ChoiceField(
        label="Who are they?",
        choices=ReviewInvitationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child, a parent, a carer or a professional"},
    )

    def layout_fields(self):
        return [
            "name",
            Field.radios("kind", legend_size=Size.SMALL),
            "role",
            Field.radios("delivery", legend_size=Size.SMALL),
            "email",
            "address",
        ]


class ReviewInvitationWithdrawForm(WithdrawForm):
    submit_label = "Withdraw the invitation"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = ENTER_WITHDRAWAL_REASON


class ReviewInvitationCorrectForm(ReviewInvitationForm):
    """Who was invited and how, corrected with a reason kept in the history."""

    submit_label = "Save the correction"

    reason = _reason_field("Why are you correcting it?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An invitation given by hand (or recorded afterwards) stays one.
        delivery = self.fields["delivery"]
        delivery.required = False
        delivery.choices = [*InvitationDelivery.choices, ("", "Not sent by Oversight")]

    def layout_fields(self):
        return [*super().layout_fields(), "reason"]


class ReviewAttendanceForm(ServiceForm):
    """Whether an invitee came to the held review, and how their views reached it."""

    submit_label = "Save attendance"

    attendance = forms.ChoiceField(
        label="Did they attend?",
        choices=[c for c in ReviewAttendance.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they attended"},
    )
    contribution = forms.ChoiceField(
        label="How did they contribute?",
        choices=ReviewContribution.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they contributed"},
    )

    def layout_fields(self):
        return [
            Field.radios("attendance", legend_size=Size.SMALL),
            Field.radios("contribution", legend_size=Size.SMALL),
        ]


class SendAgainForm(ServiceForm):
    submit_label = "Send it again"
