"""What every Oversight form shares: GOV.UK layout, and service errors on the right field."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, cast

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse, QueryDict

from core.dates import long_date

_Saved = TypeVar("_Saved")
_Form = TypeVar("_Form", bound="ServiceForm")


class ListedChoiceField(forms.CharField):
    """A choice among many (value, label) pairs of strings already in shape, such as
    every IRO of a big unit: checked against them as a set, and listed as given (Django's
    ChoiceField normalises and searches each choice, milliseconds for hundreds). Its
    select is drawn with `select_options`, listing `listed` where set (some of the
    choices: the rest are still taken, from a link elsewhere), else every choice."""

    default_error_messages = forms.ChoiceField.default_error_messages

    def __init__(self, *, choices: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = list(choices)
        self.listed: list[tuple[str, str]] | None = None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in {choice for choice, _ in self.choices}:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class ServiceForm(forms.Form):
    """A form whose writes go through a service.

    `submit_label` names the button; `apply_errors` places a service's ValidationError on
    the fields it names, so the GOV.UK error summary lists each bad field.
    """

    submit_label = "Save"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(*self.layout_fields(), Button("submit", self.submit_label))
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea) and getattr(field, "max_length", None):
                count_characters(field)

    def layout_fields(self) -> list[Any]:  # field names, or crispy-forms layout objects
        return list(self.fields)

    def apply_errors(self, error: ValidationError) -> None:
        messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, texts in messages.items():
            target = field if field in self.fields else None
            for text in texts:
                self.add_error(target, text)


# A long answer's limit, as the GOV.UK character count says it (tests import it).
TEXT_TOO_LONG = "{label} must be {limit} characters or less"
CHARACTER_COUNT_CLASS = "govuk-js-character-count"


def count_characters(field: forms.Field) -> None:
    """Give a textarea with a max_length the GOV.UK character count ("You have 20
    characters remaining"; templates/gds/field.html draws it). The browser's own
    maxlength goes: it would cut a pasted note short without a word, where the count
    shows how far over it is and the server refuses it by name."""
    widget = field.widget
    classes = widget.attrs.get("class", "")
    if CHARACTER_COUNT_CLASS not in classes:
        widget.attrs["class"] = f"{classes} {CHARACTER_COUNT_CLASS}".strip()
    widget.attrs.pop("maxlength", None)
    # crispy-forms-gds appends the count's message id to this, and needs it present.
    widget.attrs.setdefault("aria-describedby", "")
    limit = getattr(field, "max_length", None)
    label = str(field.label or "This answer")
    field.error_messages["max_length"] = TEXT_TOO_LONG.format(label=label, limit=limit)


STALE_FORM = (
    "Someone else saved a change while you had this page open: {changes}. Check the "
    "page as it is now and save again."
)
FORM_INCOMPLETE = "This page was not sent whole. Open it again and save from there."


def _seen_text(values: Mapping[str, Any]) -> str:
    return json.dumps(
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()},
        sort_keys=True,
    )


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "not recorded"
    return long_date(value) if isinstance(value, dt.date) else str(value)


class GuardedForm(ServiceForm):
    """An edit form that knows what the person saw when the page was drawn.

    `current` is the record's stored values for the form's fields. The page carries them
    in a hidden `seen` field: a save from a page drawn before someone else's change is
    refused, saying what changed (optimistic concurrency), and a field the browser did
    not send at all keeps its stored value rather than being cleared.
    """

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, current: Mapping[str, Any], **kwargs: Any) -> None:
        self.current = dict(current)
        kwargs["initial"] = {**self.current, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = _seen_text(self.current)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen = self.data.get("seen", "")
        if not seen:
            raise ValidationError(FORM_INCOMPLETE)
        try:
            before = json.loads(seen)
        except ValueError:
            before = None
        if not isinstance(before, dict):
            raise ValidationError(FORM_INCOMPLETE)
        now = json.loads(_seen_text(self.current))
        changed = [
            f"{self.fields[name].label or name} is now {_shown(self.current[name])}"
            for name in self.current
            if before.get(name) != now.get(name) and name in self.fields
        ]
        if changed:
            raise ValidationError(STALE_FORM.format(changes="; ".join(changed)))
        for name in self.current:
            sent = any(key == name or key.startswith(f"{name}_") for key in self.data)
            if not sent:
                data[name] = self.current[name]
        return data


# The dates a person may type or a page may be asked for. Nothing Oversight records (a
# child's date of birth, a review, a conference, a deadline) falls outside these years;
# anything further out is a slip of the keyboard, and far enough out overflows Python's
# dates (year 9999) when a deadline is added to it.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
EARLIEST_DATE = dt.date(EARLIEST_YEAR, 1, 1)
LATEST_DATE = dt.date(LATEST_YEAR, 12, 31)

# The GOV.UK Design System's date-input messages; `{question}` is the field's label, and
# `{lower}` the label as the object of a sentence. Tests import these.
DATE_REQUIRED = "Enter the {lower}"
DATE_PART_MISSING = "{question} must include a {part}"
DATE_NOT_REAL = "{question} must be a real date"
DATE_YEAR_DIGITS = "{question} must include a year with 4 numbers"
DATE_YEAR_RANGE = f"{{question}} must have a year between {EARLIEST_YEAR} and {LATEST_YEAR}"

# Sense checks on a real date: `{what}` names the other date in words ("the child's date
# of birth"), `{date}` is it in the GOV.UK style (4 May 2012).
DATE_NOT_IN_FUTURE = "{question} must be today or in the past"
DATE_NOT_IN_PAST = "{question} must be today or in the future"
DATE_NOT_BEFORE = "{question} must be on or after {what}, {date}"
DATE_NOT_AFTER = "{question} must be on or before {what}, {date}"

# A bound for a date, as a form sets it in __init__: (the date, what it is in words).
# A bound whose date is None (a date of birth not recorded) checks nothing.
DateBound = tuple[dt.date | None, str]

# A day or month longer than this is not a real one, however many leading zeros it has.
_PART_DIGITS = 4


# crispy-forms-gds ships no type hints, so its date field is Any to mypy.
class GDSDateField(DateInputField):  # type: ignore[misc]
    """The GOV.UK date input, with the Design System's messages naming the question.

    Every part is checked before it becomes a number, so a day of 99999999999999999999
    is "must be a real date" and a year of 99999 "must include a year with 4 numbers",
    never an overflow; a year outside EARLIEST_YEAR..LATEST_YEAR is refused by name.

    A real date is then checked for sense: `not_in_future` (a visit, a decision),
    `not_in_past` (a booking), and `not_before` / `not_after`, which a form sets in its
    `__init__` from the record it is about::

        self.fields["visited_on"].not_before = (child.date_of_birth, "the child's date of birth")
    """

    def __init__(
        self,
        *,
        label: str,
        not_in_future: bool = False,
        not_in_past: bool = False,
        not_before: DateBound | None = None,
        not_after: DateBound | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label=label, require_all_fields=False, **kwargs)
        self.question = label
        self.not_in_future = not_in_future
        self.not_in_past = not_in_past
        self.not_before = not_before
        self.not_after = not_after
        real = self._message(DATE_NOT_REAL)
        self.error_messages["required"] = self._message(DATE_REQUIRED)
        self.error_messages["incomplete"] = real
        self.error_messages["invalid"] = real
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.error_messages["incomplete"] = self._message(DATE_PART_MISSING, part=name)
            part.validators = [RegexValidator(r"\A[0-9]+\Z", real)]

    def _message(self, template: str, **parts: str) -> str:
        lower = f"{self.question[:1].lower()}{self.question[1:]}"
        return template.format(question=self.question, lower=lower, **parts)

    def compress(self, data_list: list[str]) -> dt.date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        real = ValidationError(self._message(DATE_NOT_REAL), code="invalid")
        if not all(str(p).isascii() and str(p).isdigit() for p in (day, month, year)):
            raise real
        if len(day) > _PART_DIGITS or len(month) > _PART_DIGITS:
            raise real
        if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
            raise real
        if len(year) != 4:
            raise ValidationError(self._message(DATE_YEAR_DIGITS), code="year_digits")
        if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
            raise ValidationError(self._message(DATE_YEAR_RANGE), code="year_range")
        try:
            return dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as exc:  # 31 February
            raise real from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, dt.date):
            errors = self.sense_errors(value)
            if errors:
                raise ValidationError(errors[0], code="date_sense")

    def sense_errors(self, day: dt.date) -> list[str]:
        """What is wrong with a real date given this field's sense checks (first first)."""
        from django.utils import timezone

        errors = []
        today = timezone.localdate()
        if self.not_in_future and day > today:
            errors.append(self._message(DATE_NOT_IN_FUTURE))
        if self.not_in_past and day < today:
            errors.append(self._message(DATE_NOT_IN_PAST))
        before, before_what = self.not_before or (None, "")
        if before is not None and day < before:
            errors.append(self._bound_message(DATE_NOT_BEFORE, before, before_what))
        after, after_what = self.not_after or (None, "")
        if after is not None and day > after:
            errors.append(self._bound_message(DATE_NOT_AFTER, after, after_what))
        return errors

    def _bound_message(self, template: str, limit: dt.date, what: str) -> str:
        return self._message(template, what=what, date=long_date(limit))


def query_date(value: object, *, default: dt.date) -> dt.date:
    """A date from a query string (2025-03-31), or `default` when it is missing, is not a
    date, or falls outside EARLIEST_DATE..LATEST_DATE: a page asked for year 9999 shows
    the default rather than overflowing when it counts on from it."""
    if not isinstance(value, str) or len(value) > 10:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return default
    return day if EARLIEST_DATE <= day <= LATEST_DATE else default


def gds_date(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    not_in_future: bool = False,
    not_in_past: bool = False,
    not_before: DateBound | None = None,
    not_after: DateBound | None = None,
) -> GDSDateField:
    """A GOV.UK date input (day, month, year) whose errors name the question; see
    GDSDateField for the sense checks (a form may also set `not_before`/`not_after` on
    the field in its `__init__`, when the bound comes from the record)."""
    return GDSDateField(
        label=label,
        required=required,
        help_text=help_text,
        not_in_future=not_in_future,
        not_in_past=not_in_past,
        not_before=not_before,
        not_after=not_after,
    )


def form_page(
    request: HttpRequest,
    form: ServiceForm,
    *,
    heading: str,
    save: Callable[[dict[str, Any]], _Saved],
    success_url: str | Callable[[_Saved], str],
    success_message: str | Callable[[_Saved], str] = "",
    **context: Any,
) -> HttpResponse:
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
        {"form": form, "heading": heading, "error_list": error_summary_items(form), **context},
        status=status,
    )


def error_summary_items(form: forms.BaseForm, label: str = "") -> list[tuple[str, str]]:
    """(anchor id, message) pairs for a GOV.UK error summary, linking to each bad field.

    Date inputs and radios are linked through their first input, as the Design System asks.
    """
    items = []
    for name, errors in form.errors.items():
        if name == "__all__":
            first = next(iter(form.fields), "")
            anchor = f"{form[first].auto_id}" if first else ""
        else:
            widget = form.fields[name].widget
            # crispy-forms-gds numbers radios from 1 and date parts from 0.
            suffix = {forms.RadioSelect: "_1"}.get(type(widget), "")
            if isinstance(widget, forms.MultiWidget):
                suffix = "_0"
            anchor = form[name].auto_id + suffix
        items += [(anchor, f"{label}{e}") for e in errors]
    return items


class TimeField(forms.TimeField):
    """A time typed as 14:30 or 2:30pm, with a message naming the question."""

    input_formats = ["%H:%M", "%H.%M", "%I:%M%p", "%I:%M %p", "%I%p", "%I %p"]

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            help_text="For example, 10:00 or 2:30pm",
            error_messages={
                "required": f"Enter the {label.lower()}",
                "invalid": f"{label} must be a real time, like 10:00 or 2:30pm",
            },
            **kwargs,
        )

    def to_python(self, value: str | dt.time | None) -> dt.time | None:
        return super().to_python(
            value.replace(" ", "").lower() if isinstance(value, str) else value
        )


class _Booking(Protocol):
    """What meeting_page needs of its form beyond a ServiceForm's."""

    def starts_at(self) -> dt.datetime: ...


def meeting_page(
    request: HttpRequest,
    *,
    heading: str,
    caption: str,
    back_url: str,
    book: Callable[[_Form], tuple[str, str]],
    ignore: tuple[str, int] | None = None,
    initial: Mapping[str, Any] | None = None,
    extra_fields: Mapping[str, Any] | None = None,
    form_class: type[_Form],
    due_on: Callable[[_Form], dt.date | None] | None = None,
    **context: Any,
) -> HttpResponse:
    """Book a meeting: on a clash with the chair's other bookings, or a date to check (a
    weekend, a bank holiday, after `due_on(form)`), warn and ask to confirm.

    `book(form)` calls the service and returns the URL to go to next and the message to
    show; the warnings the person confirmed are `form.accepted_warnings`, for the booking
    to keep.
    """
    from django.contrib import messages
    from django.shortcuts import redirect, render

    from core.meetings import chair_clashes, date_warnings, describe_clash

    wants_confirm = request.method == "POST" and "confirm_clash" in request.POST
    form = form_class(
        posted(request), initial=initial, show_confirm=wants_confirm, **(extra_fields or {})
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        clashes = chair_clashes(
            chair_id=form.cleaned_data["chair"].pk,
            starts_at=cast(_Booking, form).starts_at(),
            ignore=ignore,
        )
        to_check = date_warnings(
            form.cleaned_data["date"], due_on=due_on(form) if due_on else None
        ) + [describe_clash(m) for m in clashes]
        form.accepted_warnings = to_check  # type: ignore[attr-defined]
        if to_check and not form.cleaned_data.get("confirm_clash"):
            warnings = to_check
            form = form_class(
                request.POST, initial=initial, show_confirm=True, **(extra_fields or {})
            )
            form.is_valid()
        else:
            try:
                next_url, message = book(form)
            except ValidationError as error:
                form.apply_errors(error)
            else:
                messages.success(request, message)
                return redirect(next_url)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": heading,
            "caption": caption,
            "back_url": back_url,
            "warnings": warnings,
            "error_list": error_summary_items(form) if form.is_bound else [],
            **context,
        },
        status=status,
    )


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, or None for a GET. (An empty POST is still a submission: with
    `posted(request)` a form sent with nothing filled in would show no errors.)"""
    return request.POST if request.method == "POST" else None
