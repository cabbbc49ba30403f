"""The nightly task loads the extract in OVERSIGHT_SSD_FOLDER, and only that."""

import logging
import shutil

import pytest

from config.celery import app
from returns.models import SsdImportRun, SsdImportStatus
from returns.ssd.tasks import NO_FOLDER, NOT_A_FOLDER, ssd_nightly_import_task
from tests.returns.test_ssd_sample import EXTRACT

pytestmark = pytest.mark.django_db


def test_beat_runs_the_ssd_load_every_night():
    entry = app.conf.beat_schedule["nightly-ssd-import"]
    assert entry["task"] == ssd_nightly_import_task.name
    assert ssd_nightly_import_task.name in app.tasks


def test_with_no_folder_set_the_task_loads_nothing_and_says_so(settings, caplog):
    settings.OVERSIGHT_SSD_FOLDER = ""

    with caplog.at_level(logging.INFO, logger="returns.ssd.tasks"):
        assert ssd_nightly_import_task.delay().get() is None

    assert NO_FOLDER in caplog.text
    assert not SsdImportRun.objects.exists()


def test_a_folder_that_is_not_there_loads_nothing_and_says_so(settings, caplog, tmp_path):
    settings.OVERSIGHT_SSD_FOLDER = str(tmp_path / "not-there")

    with caplog.at_level(logging.INFO, logger="returns.ssd.tasks"):
        assert ssd_nightly_import_task.delay().get() is None

    assert NOT_A_FOLDER.format(folder=tmp_path / "not-there") in caplog.text
    assert not SsdImportRun.objects.exists()


def test_the_task_loads_the_configured_folder_and_keeps_the_run(settings, tmp_path):
    folder = tmp_path / "ssd"
    shutil.copytree(EXTRACT, folder)
    settings.OVERSIGHT_SSD_FOLDER = str(folder)

    run_id = ssd_nightly_import_task.delay().get()

    run = SsdImportRun.objects.get(pk=run_id)
    assert (run.status, run.source) == (SsdImportStatus.SUCCEEDED, str(folder))
    assert "2024-25" in run.years


def test_a_refused_extract_in_the_folder_is_kept_as_a_failed_run(settings, tmp_path):
    folder = tmp_path / "ssd"
    shutil.copytree(EXTRACT, folder)
    (folder / "ssd_cla_reviews.csv").unlink()
    settings.OVERSIGHT_SSD_FOLDER = str(folder)

    assert ssd_nightly_import_task.delay().get() is None

    run = SsdImportRun.objects.get()
    assert run.status == SsdImportStatus.FAILED
    assert run.problems[0].startswith("ssd_cla_reviews.csv: is missing")
