"""Mail settings come from the environment, and an alert counts as sent only when a real
mail backend accepted it (docs/adr/0009-hardening.md)."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from iro.services import iro_allocate
from reviews.services import episode_record
from tests.factories import ChildFactory
from worklists.models import DeadlineDigest
from worklists.notifications import deadline_digest_send, deadline_digests_record

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 3, 31)


def _settings_with(**env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', "
        "'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_TIMEOUT']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_smtp_is_configured_from_the_environment():
    values = _settings_with(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.council.example",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="oversight",
        EMAIL_HOST_PASSWORD="s3cret",
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="12",
    )

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.council.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "oversight",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 12,
    }


def test_a_laptop_with_no_mail_settings_prints_to_the_console():
    assert _settings_with()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.fixture
def digest(db, iro):
    iro.user.email = "ada@council.example"
    iro.user.save()
    child = ChildFactory(child_id="C1")
    iro_allocate(child=child, iro=iro, started_on=dt.date(2025, 3, 3))
    episode_record(
        child=child,
        started_on=dt.date(2025, 3, 3),
        reason_new_episode="S",
        legal_status="C2",
        category_of_need="N1",
        placement="U4",
        placement_provider="PR1",
    )
    [digest] = [d for d in deadline_digests_record(as_of=TODAY) if d.recipient == iro.user]
    return digest


@pytest.mark.parametrize(
    ("backend", "said"),
    [
        ("django.core.mail.backends.console.EmailBackend", "only prints"),
        ("django.core.mail.backends.dummy.EmailBackend", "discards"),
    ],
)
def test_an_alert_only_printed_or_discarded_is_not_marked_sent(digest, settings, backend, said):
    settings.EMAIL_BACKEND = backend

    assert deadline_digest_send(digest_id=digest.pk) is False

    digest.refresh_from_db()
    assert digest.sent_at is None
    assert digest.claimed_at is None  # free to go out once SMTP is set
    assert digest.last_error.startswith("Not sent:")
    assert said in digest.last_error
    assert "configure SMTP" in digest.last_error
    assert DeadlineDigest.objects.filter(sent_at__isnull=True, pk=digest.pk).exists()


def test_the_console_backend_still_shows_the_message(digest, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    deadline_digest_send(digest_id=digest.pk)

    assert "ada@council.example" in capsys.readouterr().out


def test_the_same_alert_goes_out_once_a_real_backend_is_configured(digest, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    deadline_digest_send(digest_id=digest.pk)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deadline_digest_send(digest_id=digest.pk) is True

    digest.refresh_from_db()
    assert digest.sent_at is not None
    assert digest.last_error == ""
    assert [m.to for m in mail.outbox] == [["ada@council.example"]]
