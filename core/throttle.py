"""A limit on failed sign-ins from one address, across every username.

django-axes locks a username at an address after AXES_FAILURE_LIMIT failures; it has one
limit for all its lockout parameters, so it cannot also stop password spraying (one
address, many usernames) without locking a shared office out after a few typos. This
counts failed sign-ins per address (the address axes uses) and refuses sign-in from it
once OVERSIGHT_LOGIN_ADDRESS_LIMIT are counted within OVERSIGHT_LOGIN_ADDRESS_WINDOW_MINUTES
of the first. A successful sign-in does not reset the count.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

TOO_MANY_FROM_ADDRESS = (
    "There have been too many failed attempts to sign in from your network. "
    "Try again later, or contact your IT service desk"
)


def _limit() -> int:
    return int(getattr(settings, "OVERSIGHT_LOGIN_ADDRESS_LIMIT", 50))


def _window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "OVERSIGHT_LOGIN_ADDRESS_WINDOW_MINUTES", 15)))


def _key(request: HttpRequest) -> str | None:
    address = get_client_ip_address(request)
    return f"oversight:login-failures:{address}" if address else None


def _current(key: str) -> tuple[float, int]:
    """(window start as a timestamp, failures in it); a window that has passed counts 0."""
    now = timezone.now().timestamp()
    stored = cache.get(key)
    if stored is None or now - stored[0] > _window().total_seconds():
        return now, 0
    return stored[0], stored[1]


def address_blocked(request: HttpRequest) -> bool:
    """Whether sign-in from this request's address is refused for now."""
    key = _key(request)
    return key is not None and _current(key)[1] >= _limit()


@receiver(user_login_failed, dispatch_uid="oversight-count-login-failure-by-address")
def count_failure(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    if not isinstance(request, HttpRequest):
        return
    key = _key(request)
    if key is None:
        return
    start, count = _current(key)
    cache.set(key, (start, count + 1), timeout=int(_window().total_seconds()) + 60)
