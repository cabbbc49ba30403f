"""The council's retention schedule, from the settings (OVERSIGHT_RETENTION)."""

from django.conf import settings

from retention.rules import Schedule


def current_schedule() -> Schedule:
    return Schedule(**settings.OVERSIGHT_RETENTION)
