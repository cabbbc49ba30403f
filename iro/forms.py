from django import forms

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
