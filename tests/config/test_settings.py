"""The deployment settings: every variable is documented, and production never runs
on a made-up secret key."""

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _variables_read_by_settings() -> set[str]:
    source = (REPO / "config" / "settings.py").read_text()
    return set(re.findall(r'(?:env_bool|env_list|os\.environ\.get)\(\s*"([A-Z_]+)"', source))


def test_env_example_lists_every_variable_the_settings_read():
    listed = set(re.findall(r"^([A-Z_]+)=", (REPO / ".env.example").read_text(), re.M))

    assert _variables_read_by_settings() - listed == set()


def _start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )


def test_the_app_refuses_to_start_outside_debug_without_a_secret_key():
    result = _start(DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_app_starts_with_a_secret_key_or_in_debug():
    assert _start(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="a-real-secret").returncode == 0
    assert _start(DJANGO_DEBUG="true").returncode == 0


def test_a_webhook_outside_debug_must_be_https_and_signed():
    secret = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "a-real-secret"}
    plain = _start(
        **secret, OVERSIGHT_WEBHOOK_URL="http://council.example/hook", OVERSIGHT_WEBHOOK_SECRET="s"
    )
    unsigned = _start(**secret, OVERSIGHT_WEBHOOK_URL="https://council.example/hook")
    good = _start(
        **secret, OVERSIGHT_WEBHOOK_URL="https://council.example/hook", OVERSIGHT_WEBHOOK_SECRET="s"
    )

    assert plain.returncode != 0
    assert "OVERSIGHT_WEBHOOK_URL must be an https:// address" in plain.stderr
    assert unsigned.returncode != 0
    assert "set OVERSIGHT_WEBHOOK_SECRET" in unsigned.stderr
    assert good.returncode == 0
