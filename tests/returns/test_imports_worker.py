"""A real Celery worker, on the local Redis and PostgreSQL, loads an upload and then runs
the DfE rules on the records.

Needs PostgreSQL (DATABASE_URL) and Redis, like test_celery_integration; CI sets
OVERSIGHT_REQUIRE_SERVICES=1 so that a missing service fails the test.
"""

import os
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.services import today
from returns.data_quality import live_years
from returns.imports import import_run_start
from returns.models import DataQualityCheck, ImportKind, ImportRun, ImportStatus
from tests.returns.ssda903 import sample
from tests.worklists.test_celery_integration import REDIS_URL, ROOT, services  # noqa: F401 (fixture)


@pytest.mark.django_db(transaction=True)
def test_a_worker_loads_an_upload_then_checks_the_records(
    services,  # noqa: F811
    business_support,
    settings,
    tmp_path,
):
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "DATABASE_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "OVERSIGHT_LOCAL_AUTHORITY": "E09000027",
    }
    log = (tmp_path / "celery.log").open("w")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues=celery,imports",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    before = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=REDIS_URL)
    app._after_fork()  # connect afresh, to this broker
    try:
        files = [
            SimpleUploadedFile(p.name, p.read_bytes())
            for p in sorted(sample("2024-25").glob("*.csv"))
        ]
        run = import_run_start(
            user=business_support, kind=ImportKind.SSDA903, files=files, year=2024
        )
        deadline = time.monotonic() + 120
        checked = DataQualityCheck.objects.filter(year=live_years(today())[0])
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status == ImportStatus.FAILED or checked.count() == 2:
                break
            time.sleep(1)
    finally:
        app.conf.update(before)
        app._after_fork()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()

    output = (tmp_path / "celery.log").read_text()
    run = ImportRun.objects.get(pk=run.pk)
    assert run.status == ImportStatus.SUCCEEDED, (run.problems, output[-3000:])
    assert run.summary["counts"]["Children"]["added"] > 200
    assert run.dispatched_at is not None and run.waiting_reason == ""
    assert checked.count() == 2, output[-3000:]
