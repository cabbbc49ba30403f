"""Template filters for GOV.UK's date and time style (core.dates) and a deadline's
state (core.deadlines); built in to every template (config/settings.py).

The dates name their months in English whatever language is active: Oversight is in
English (Django's `date` filter would follow a translation, were one switched on)."""

import datetime as dt
from html import escape
from typing import Any

from django import template
from django.utils.safestring import mark_safe

from core.dates import long_date, long_datetime, long_time

register = template.Library()


@register.filter(expects_localtime=True)
def govuk_date(value: dt.date | None) -> str:
    """4 May 2023: `|date:"j F Y"` in a tenth of the time (a record's page shows
    hundreds of dates)."""
    return long_date(value) if isinstance(value, dt.date) else ""


@register.filter(expects_localtime=True)
def govuk_short_date(value: dt.date | None) -> str:
    """4 Dec 2023, the month shortened: `|date:"j M Y"`, as `govuk_date` is."""
    return f"{value.day} {value:%b %Y}" if isinstance(value, dt.date) else ""


@register.filter
def govuk_datetime(value: dt.datetime | None) -> str:
    """1 December 2026 at 2:05pm."""
    return long_datetime(value) if value else ""


@register.filter
def govuk_time(value: dt.datetime | dt.time | None) -> str:
    """2:05pm, 10am, midday (a moment in local time)."""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).time()
    return long_time(value) if value else ""


@register.filter
def timeout_words(seconds: int) -> str:
    """120 -> "2 minutes", 45 -> "45 seconds" (as static/src/timeout-warning.js counts)."""
    if seconds >= 60:
        minutes = -(-seconds // 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


@register.filter
def select_options(bound_field: Any) -> str:
    """A choice field's <option>s, the chosen one selected: built in one pass, as a
    list of every IRO in a big unit is hundreds of options (a template loop took tens
    of milliseconds, and format_html one call an option)."""
    chosen = "" if bound_field.value() is None else str(bound_field.value())
    options = []
    field = bound_field.field
    listed = getattr(field, "listed", None)
    for value, label in field.choices if listed is None else listed:
        value = str(value)
        selected = " selected" if value == chosen else ""
        options.append(f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>')
    return mark_safe("".join(options))  # every value and label is escaped above


@register.filter
def character_limit(bound_field: Any) -> int | str:
    """A textarea's max_length when it shows the GOV.UK character count (core.forms)."""
    from core.forms import CHARACTER_COUNT_CLASS

    field = getattr(bound_field, "field", None)
    if field is None or CHARACTER_COUNT_CLASS not in field.widget.attrs.get("class", ""):
        return ""
    return getattr(field, "max_length", None) or ""


@register.inclusion_tag("includes/deadline_tag.html")
def deadline(due: dt.date | None) -> dict[str, Any]:
    """`{% deadline item.due_on %}`: the due date's state today, from the one definition
    (core.deadlines.deadline_state): "Overdue (overdue by 41 days)", "(due in 3 days)"."""
    from core.deadlines import deadline_state
    from core.services import today

    return {"state": deadline_state(due, as_of=today())}
