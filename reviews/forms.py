"""Forms for looked-after reviews and IRO contacts. Writes go through reviews.services."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from core.codes import ParticipationCode, PermanencePlan
from core.forms import GuardedForm, ServiceForm, gds_date
from reviews.models import ContactKind
from reviews.services import participation_codes_for_age

YES_NO = [("yes", "Yes"), ("no", "No")]


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


class ContactForm(ServiceForm):
    submit_label = "Record the contact"

    occurred_on = gds_date("Date of the contact")
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

    def layout_fields(self):
        return [
            "occurred_on",
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            "seen_alone",
            "note",
        ]
