"""`manage.py check --deploy` is clean with the production settings of README's
Configuration section."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "oversight.council.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://oversight.council.example",
    "DJANGO_SECURE": "true",
    "DJANGO_BEHIND_TLS_PROXY": "true",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.council.example",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "true",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_", "SECURE_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
    )


def test_the_deploy_check_is_clean_with_the_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_warns_without_the_secure_flag():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION | {"DJANGO_SECURE": "false"}
    )

    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


def test_the_production_settings_are_documented():
    readme = (REPO / "README.md").read_text()
    example = (REPO / ".env.example").read_text()
    for name in PRODUCTION:
        assert f"{name}=" in readme, name
        assert f"{name}=" in example, name
