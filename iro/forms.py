import datetime as dt

from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.utils import timezone

from core.forms import ServiceForm, TimeField, gds_date
from iro.models import IndependentReviewingOfficer


class CaseloadFilterForm(forms.Form):
    """The caseload's filters: plain GET fields, so they work without JavaScript."""

    q = forms.CharField(label="Name or child ID", required=False, max_length=60)
    status = forms.ChoiceField(
        label="Due",
        required=False,
        choices=[("", "Any time"), ("overdue", "Overdue"), ("soon", "Overdue or due in 28 days")],
    )
    area = forms.ChoiceField(
        label="Area",
        required=False,
        choices=[("", "All"), ("looked_after", "Looked after"), ("protection", "Child protection")],
    )
    iro = forms.ModelChoiceField(
        label="IRO",
        required=False,
        queryset=IndependentReviewingOfficer.objects.filter(active=True).select_related("user"),
        empty_label="Everyone",
    )


class ReallocationForm(ServiceForm):
    submit_label = "Move the child"

    iro = forms.ModelChoiceField(
        label="New IRO",
        queryset=IndependentReviewingOfficer.objects.filter(active=True).select_related("user"),
        empty_label="Choose an IRO",
        error_messages={"required": "Choose the IRO who will hold the child"},
    )
    started_on = gds_date("Date the new IRO takes over")
    reason = forms.CharField(
        label="Why is the child moving?",
        max_length=200,
        error_messages={"required": "Enter why the child is moving to another IRO"},
    )
    with_siblings = forms.BooleanField(
        label="Move their brothers and sisters too, so the family keeps one IRO",
        required=False,
        initial=True,
    )

    def __init__(self, *args, child, **kwargs):
        super().__init__(*args, **kwargs)
        if child.family is None:
            del self.fields["with_siblings"]
            self.helper.layout = self.helper.layout.__class__(
                "iro", "started_on", "reason", *self.helper.layout.fields[-1:]
            )


class MeetingForm(ServiceForm):
    """When and where a review or conference meets, and who chairs it.

    If the chair is already booked then, or the date needs a second look (a weekend, a bank
    holiday, after the due date), the page says so and asks to confirm.
    """

    submit_label = "Book it"

    date = gds_date("Date")
    time = TimeField(label="Start time")
    venue = forms.CharField(
        label="Venue", max_length=200, error_messages={"required": "Enter the venue"}
    )
    chair = forms.ModelChoiceField(
        label="Chair",
        queryset=None,
        empty_label="Choose the chair",
        error_messages={"required": "Choose who will chair it"},
    )
    confirm_clash = forms.BooleanField(label="I have checked: book it anyway", required=False)

    def __init__(self, *args, show_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = IndependentReviewingOfficer.objects.filter(
            active=True
        ).select_related("user")
        if not show_confirm:
            del self.fields["confirm_clash"]
            self.helper.layout = Layout(
                *[f for f in self.layout_fields() if f != "confirm_clash"],
                Button("submit", self.submit_label),
            )

    def starts_at(self):
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
