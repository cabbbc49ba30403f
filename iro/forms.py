import datetime as dt

from crispy_forms_gds.layout import Button, Layout
from django import forms
from django.utils import timezone

from core.forms import ServiceForm, TimeField, gds_date
from iro.models import IndependentReviewingOfficer
from iro.services import ALREADY_HELD, REASON_NEEDED

# The caseload's IRO filter: one IRO, everyone, or the children nobody holds.
EVERYONE = ""
NOBODY = "none"


class CaseloadFilterForm(forms.Form):
    """The caseload's filters: plain GET fields, so they work without JavaScript.

    `iro` is cleaned to an IRO, NOBODY or EVERYONE, and the select always shows the
    choice the list was drawn with (an IRO's own name when they chose nothing).
    """

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
    iro = forms.ChoiceField(label="IRO", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.iros = {
            str(i.pk): i
            for i in IndependentReviewingOfficer.objects.filter(active=True).select_related("user")
        }
        self.fields["iro"].choices = [
            (EVERYONE, "Everyone"),
            (NOBODY, "No IRO (not allocated)"),
            *[(pk, str(i)) for pk, i in self.iros.items()],
        ]

    def clean_iro(self):
        value = self.cleaned_data.get("iro") or EVERYONE
        return self.iros.get(value, value)


class ReallocationForm(ServiceForm):
    """Move a child to another IRO from a date (a later date waits for its day), or give
    a child with no IRO their first one."""

    submit_label = "Move the child"

    iro = forms.ModelChoiceField(
        label="New IRO",
        queryset=IndependentReviewingOfficer.objects.filter(active=True).select_related("user"),
        empty_label="Choose an IRO",
        error_messages={"required": "Choose the IRO who will hold the child"},
    )
    started_on = gds_date(
        "Date the new IRO takes over",
        help_text="A date in the future waits for its day: the current IRO keeps the child "
        "until then.",
    )
    reason = forms.CharField(
        label="Why is the child moving?",
        max_length=200,
        error_messages={"required": REASON_NEEDED},
    )
    with_siblings = forms.BooleanField(
        label="Move their brothers and sisters too, so the family keeps one IRO",
        required=False,
        initial=True,
    )

    def __init__(self, *args, child, current=None, **kwargs):
        self.child, self.current = child, current
        self.first_allocation = current is None
        if self.first_allocation:
            self.submit_label = "Allocate the IRO"
        super().__init__(*args, **kwargs)
        if self.first_allocation:
            self.fields["iro"].label = "IRO"
            self.fields["started_on"].label = "Date the IRO takes the child"
            self.fields["started_on"].help_text = "A date in the future waits for its day."
            self.fields["reason"].label = "Note (optional)"
            self.fields["reason"].required = False
            self.fields[
                "with_siblings"
            ].label = "Allocate their brothers and sisters too, so the family keeps one IRO"
        else:
            self.fields["started_on"].not_before = (
                current.started_on,
                "the date the current IRO took over",
            )
        names = ["iro", "started_on", "reason", "with_siblings"]
        if child.family is None:
            del self.fields["with_siblings"]
            names.remove("with_siblings")
        self.helper.layout = Layout(*names, Button("submit", self.submit_label))

    def clean_iro(self):
        iro = self.cleaned_data["iro"]
        if self.current is not None and self.current.iro_id == iro.pk:
            raise forms.ValidationError(ALREADY_HELD.format(child=self.child.full_name, iro=iro))
        return iro


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
