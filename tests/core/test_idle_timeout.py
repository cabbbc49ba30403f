"""Sessions end after OVERSIGHT_IDLE_TIMEOUT_MINUTES without a request, not hours after
sign-in; every signed-in page carries the GOV.UK timeout warning, and "Stay signed in"
posts to the keep-alive address (issue 10; the browser journey is
tests/browser/test_timeout.py)."""

import datetime as dt
import importlib

import pytest
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_idle_timeout_is_thirty_minutes_unless_set(monkeypatch):
    import config.settings as wiring

    monkeypatch.delenv("OVERSIGHT_IDLE_TIMEOUT_MINUTES", raising=False)
    assert importlib.reload(wiring).SESSION_COOKIE_AGE == 30 * 60
    monkeypatch.setenv("OVERSIGHT_IDLE_TIMEOUT_MINUTES", "15")
    assert importlib.reload(wiring).SESSION_COOKIE_AGE == 15 * 60
    monkeypatch.undo()
    importlib.reload(wiring)
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_the_env_example_lists_the_idle_timeout():
    text = (settings.BASE_DIR / ".env.example").read_text()
    assert "OVERSIGHT_IDLE_TIMEOUT_MINUTES=30" in text


def test_each_request_moves_the_end_of_the_session_on(client, iro, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(iro.user)
    for _ in range(3):  # an hour and a half of work, never 30 minutes idle
        time_machine.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
    time_machine.shift(dt.timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_signed_in_page_carries_the_timeout_warning(client, iro):
    client.force_login(iro.user)
    body = client.get("/").content.decode()
    assert 'data-module="app-timeout-warning"' in body
    assert "You will be signed out in <span data-timeout-countdown>2 minutes</span>" in body
    assert "Stay signed in" in body
    assert f'data-timeout-seconds="{settings.SESSION_COOKIE_AGE}"' in body
    assert 'data-keep-alive-url="/session/keep-alive/"' in body


def test_the_sign_in_page_has_no_timeout_warning(client):
    assert "app-timeout-warning" not in client.get("/accounts/login/").content.decode()


def test_stay_signed_in_starts_the_count_again(client, iro, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(iro.user)
    time_machine.shift(dt.timedelta(minutes=28))
    response = client.post("/session/keep-alive/")
    assert response.json() == {"signed_in": True, "expires_in": settings.SESSION_COOKIE_AGE}
    time_machine.shift(dt.timedelta(minutes=28))
    assert client.get("/").status_code == 200


def test_keep_alive_when_signed_out_says_so_and_keeps_nothing(client, iro):
    from core.models import KeptSubmission

    client.force_login(iro.user)
    client.get("/")
    client.cookies.pop("sessionid")
    response = client.post("/session/keep-alive/")
    assert response.status_code == 401
    assert response.json()["signed_in"] is False
    assert not KeptSubmission.objects.exists()


def test_keep_alive_takes_only_a_post(client, iro):
    client.force_login(iro.user)
    assert client.get("/session/keep-alive/").status_code == 405


def test_the_timeout_script_is_started_from_init_js():
    src = settings.BASE_DIR / "static" / "src"
    assert (
        'import { initTimeoutWarning } from "./timeout-warning.js";'
        in (src / "init.js").read_text()
    )
    assert "timeout-warning.js" in (src / "copy-assets.mjs").read_text()
