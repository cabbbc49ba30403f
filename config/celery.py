"""The Celery app. Every periodic task is declared here, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("oversight")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks (django-celery-beat copies these into the admin, where times can change).
app.conf.beat_schedule = {}
