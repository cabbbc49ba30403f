"""Template filters for GOV.UK's date and time style (core.dates)."""

import datetime as dt

from django import template

from core.dates import long_datetime

register = template.Library()


@register.filter
def govuk_datetime(value: dt.datetime | None) -> str:
    """1 December 2026 at 2:05pm."""
    return long_datetime(value) if value else ""


@register.filter
def timeout_words(seconds: int) -> str:
    """120 -> "2 minutes", 45 -> "45 seconds" (as static/src/timeout-warning.js counts)."""
    if seconds >= 60:
        minutes = -(-seconds // 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"
