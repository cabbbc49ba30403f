"""Failed sign-ins from one address, across usernames, are limited (core.throttle)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from core.models import User
from core.throttle import TOO_MANY_FROM_ADDRESS

OFFICE = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
PASSWORD = "a-Long-enough-passw0rd"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, username, password, address):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _spray(client, address, count=50):
    for n in range(count):
        _sign_in(client, f"nobody{n}", "wrong", address)


@pytest.mark.django_db
def test_fifty_failures_across_usernames_block_a_correct_password_from_that_address(client):
    User.objects.create_user("worker", password=PASSWORD)
    _spray(client, OFFICE)
    response = _sign_in(client, "worker", PASSWORD, OFFICE)
    assert response.status_code == 429
    assert TOO_MANY_FROM_ADDRESS in response.content.decode()


@pytest.mark.django_db
def test_failures_from_another_address_do_not_block(client):
    User.objects.create_user("worker", password=PASSWORD)
    _spray(client, ELSEWHERE)
    assert _sign_in(client, "worker", PASSWORD, OFFICE).status_code == 302


@pytest.mark.django_db
def test_after_the_window_passes_sign_in_works_again(client):
    User.objects.create_user("worker", password=PASSWORD)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _spray(client, OFFICE)
        clock.shift(timedelta(minutes=16))
        assert _sign_in(client, "worker", PASSWORD, OFFICE).status_code == 302


@pytest.mark.django_db
def test_one_users_five_typos_still_lock_only_that_user_at_that_address(client):
    User.objects.create_user("worker", password=PASSWORD)
    User.objects.create_user("colleague", password=PASSWORD)
    for _ in range(5):
        _sign_in(client, "worker", "typo", OFFICE)
    assert _sign_in(client, "worker", PASSWORD, OFFICE).status_code == 429  # axes
    assert _sign_in(client, "colleague", PASSWORD, OFFICE).status_code == 302
