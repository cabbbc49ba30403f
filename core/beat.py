"""Celery beat's scheduler: django-celery-beat, without overwriting the admin's times."""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler


# django-celery-beat ships no type hints, so its scheduler is Any to mypy.
class OversightScheduler(DatabaseScheduler):  # type: ignore[misc]
    """Install the entries of config/celery.py that are missing, and only those.

    The stock scheduler rewrites every entry from the code at each start, which would
    undo an administrator's change of time in the admin.
    """

    def setup_schedule(self) -> None:
        self.install_default_entries(self.schedule)
        declared = self.app.conf.beat_schedule
        existing = set(
            PeriodicTask.objects.filter(name__in=list(declared)).values_list("name", flat=True)
        )
        self.update_from_dict({k: v for k, v in declared.items() if k not in existing})
