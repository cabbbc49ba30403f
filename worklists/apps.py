from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    """A person's day across the areas: deadlines, bookings, alerts, caseload, child record."""

    name = "worklists"
    verbose_name = "Worklists"

    def ready(self) -> None:
        from iro.services import birth_date_checks
        from worklists.birth_checks import looked_after_birth_problems

        birth_date_checks.register(looked_after_birth_problems)
