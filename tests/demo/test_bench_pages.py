"""The page benchmark's served timing signs each person in as a password sign-in does."""

import pytest
from django.conf import settings

from demo.management.commands.bench_pages import _session_cookie

pytestmark = pytest.mark.django_db


def test_the_served_benchmarks_session_signs_the_person_in(client, iro):
    name, key = _session_cookie(iro.user).split("=", 1)
    assert name == settings.SESSION_COOKIE_NAME
    client.cookies[name] = key
    response = client.get("/children/")
    assert response.status_code == 200
    assert response.wsgi_request.user == iro.user
