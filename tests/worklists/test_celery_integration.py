"""A real Celery worker and beat, on the local Redis and PostgreSQL, send the nightly alerts.

Needs PostgreSQL (DATABASE_URL) and Redis. CI sets OVERSIGHT_REQUIRE_SERVICES=1, so there
a missing service fails the test instead of skipping it.
"""

import datetime as dt
import email
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.roles import Role
from core.services import today
from iro.services import iro_allocate
from reviews.services import episode_record
from tests.conftest import _with_role
from tests.factories import ChildFactory, IROFactory, UserFactory
from worklists.models import DeadlineDigest

REDIS_URL = os.environ.get("OVERSIGHT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]


def _services_missing() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (set DATABASE_URL)"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return f"needs Redis at {REDIS_URL}: {exc}"
    return None


@pytest.fixture
def services():
    missing = _services_missing()
    if missing:
        if os.environ.get("OVERSIGHT_REQUIRE_SERVICES"):
            pytest.fail(missing)
        pytest.skip(missing)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _start(args, env, log):
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _mails(folder: Path):
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip()))
    return messages


@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_send_exactly_one_email_per_person(services, tmp_path):
    for n in range(2):
        profile = IROFactory(
            user=UserFactory(username=f"celery-iro{n}", email=f"iro{n}@council.example")
        )
        _with_role(profile.user, Role.IRO)
        child = ChildFactory()
        entered = today() - dt.timedelta(days=3)
        iro_allocate(child=child, iro=profile, started_on=entered)
        episode_record(
            child=child,
            started_on=entered,
            reason_new_episode="S",
            legal_status="C2",
            category_of_need="N1",
            placement="U4",
            placement_provider="PR1",
            ended_on=None,
            reason_ceased="",
        )
    # As an administrator would in the admin: run the nightly job every 2 seconds. Beat
    # must keep this time rather than reset it to the 06:30 in config/celery.py.
    every_two, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="nightly-deadline-alerts",
        task="worklists.tasks.deadline_alerts_send",
        interval=every_two,
    )

    mail_dir = tmp_path / "mail"
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "DATABASE_CONN_MAX_AGE": "0",
    }
    log = (tmp_path / "celery.log").open("w")
    worker = _start(["worker", "--pool=solo", "--loglevel=INFO"], env, log)
    beat = _start(
        ["beat", "--loglevel=INFO", "--max-interval=1", "-s", str(tmp_path / "beat")], env, log
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if DeadlineDigest.objects.filter(sent_at__isnull=False).count() >= 2:
                break
            time.sleep(1)
        time.sleep(6)  # let beat fire a few more times: nothing more may be sent
    finally:
        for process in (beat, worker):
            process.terminate()
        for process in (beat, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()

    output = (tmp_path / "celery.log").read_text()
    assert "deadline_alerts_send" in output, output[-3000:]
    recipients = sorted(m["To"] for m in _mails(mail_dir))
    assert recipients == ["iro0@council.example", "iro1@council.example"], output[-3000:]
    assert DeadlineDigest.objects.filter(sent_at__isnull=False).count() == 2
    task = PeriodicTask.objects.get(name="nightly-deadline-alerts")
    assert task.interval == every_two and task.crontab is None
    assert task.total_run_count >= 2
