"""What the returns tests share: kept files under a temporary MEDIA_ROOT (every test),
Celery run in-process (with the after-import data-quality checks left out) or its
broker down (the upload tests)."""

import contextlib

import pytest
from kombu.exceptions import OperationalError

from returns import imports


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@contextlib.contextmanager
def celery_settings(**values):
    """Change the Celery app's settings for a while (they are read when it is set up)."""
    from config.celery import app

    before = {name: app.conf[name] for name in values}
    app.conf.update(values)
    try:
        yield app
    finally:
        app.conf.update(before)


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in-process, as in development with no broker; no DfE rules after."""
    monkeypatch.setattr(imports, "_data_quality_after_import", lambda: None)
    with celery_settings(task_always_eager=True):
        yield


@pytest.fixture
def broker_down(monkeypatch):
    from returns.tasks import import_run_task

    def unreachable(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(import_run_task, "apply_async", unreachable)
