from django import forms

from core.forms import ServiceForm, gds_date

from .models import IndependentReviewingOfficer


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
