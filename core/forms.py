"""What every Oversight form shares: GOV.UK layout, and service errors on the right field."""

from __future__ import annotations

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size
from django import forms
from django.core.exceptions import ValidationError


class ServiceForm(forms.Form):
    """A form whose writes go through a service.

    `submit_label` names the button; `apply_errors` places a service's ValidationError on
    the fields it names, so the GOV.UK error summary lists each bad field.
    """

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*self.layout_fields(), Button("submit", self.submit_label))

    def layout_fields(self) -> list:
        return list(self.fields)

    def apply_errors(self, error: ValidationError) -> None:
        messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, texts in messages.items():
            target = field if field in self.fields else None
            for text in texts:
                self.add_error(target, text)


def gds_date(label: str, *, required: bool = True, help_text: str = "") -> DateInputField:
    """A GOV.UK date input (day, month, year) whose errors name the field."""
    field = DateInputField(
        label=label, required=required, require_all_fields=False, help_text=help_text
    )
    field.error_messages["required"] = f"Enter the {label.lower()}"
    field.error_messages["incomplete"] = f"Enter the {label.lower()} in full"
    return field


def form_page(
    request,
    form: ServiceForm,
    *,
    heading: str,
    save,
    success_url: str,
    success_message: str = "",
    **context,
):
    """Render a form page; on a valid POST call `save(data)` (a service) and redirect.

    A service's ValidationError lands on the fields it names; nothing is saved and the
    page is shown again with the GOV.UK error summary (status 400).
    """
    from django.contrib import messages
    from django.shortcuts import redirect, render

    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            text = success_message(result) if callable(success_message) else success_message
            if text:
                messages.success(request, text)
            return redirect(success_url(result) if callable(success_url) else success_url)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        context.pop("template", "form_page.html"),
        {"form": form, "heading": heading, **context},
        status=status,
    )
