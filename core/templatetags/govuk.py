"""Template filters for GOV.UK's date and time style (core.dates)."""

import datetime as dt

from django import template

from core.dates import long_datetime

register = template.Library()


@register.filter
def govuk_datetime(value: dt.datetime | None) -> str:
    """1 December 2026 at 2:05pm."""
    return long_datetime(value) if value else ""
