from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    """A person's day across the areas: deadlines, bookings, alerts, caseload, child record."""

    name = "worklists"
    verbose_name = "Worklists"
