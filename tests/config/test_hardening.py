"""Security headers on every page, no-store on everything a signed-in user sees, and the
API docs from our own static files (docs/adr/0009-hardening.md)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (d.split() for d in header.split(";") if d.strip())}


def test_pages_carry_a_content_security_policy_without_inline_script(client, iro):
    client.force_login(iro.user)
    response = client.get("/")
    policy = _policy(response)

    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["font-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]


def test_every_inline_script_on_a_page_carries_the_nonce_the_policy_allows(client, iro):
    client.force_login(iro.user)
    response = client.get("/")
    html = response.content.decode()
    [nonce] = [v for v in _policy(response)["script-src"] if v.startswith("'nonce-")]

    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts
    for attributes in scripts:
        assert "src=" in attributes or f'nonce="{nonce[7:-1]}"' in attributes, attributes
    assert re.search(r"\son[a-z]+=", html) is None  # no onclick= and the like
    assert re.search(r"\sstyle=", html) is None


def test_gov_uk_frontend_starts_from_a_static_file(client, iro):
    client.force_login(iro.user)
    html = client.get("/").content.decode()

    assert '<script type="module" src="/static/build/init.js">' in html
    assert "initAll" not in html


def test_the_sign_in_page_has_the_policy_and_the_security_headers(client):
    response = client.get("/accounts/login/")

    assert "Content-Security-Policy" in response
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_the_child_record_is_not_stored_by_the_browser(client, iro):
    child = ChildFactory(child_id="C123")
    client.force_login(iro.user)
    response = client.get(f"/children/{child.child_id}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_a_csv_download_is_not_stored_by_the_browser(client, administrator):
    client.force_login(administrator)
    response = client.get("/data-quality/issues.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(client):
    # The sign-in page: Django's never_cache, for anyone; nothing is added to it.
    response = client.get("/accounts/login/")

    assert "no-store" in response["Cache-Control"]
    assert response["Cache-Control"] != "no-store"


def test_a_page_for_someone_not_signed_in_is_left_alone(client):
    response = client.get("/healthz")

    assert "Cache-Control" not in response


@override_settings(DEBUG=True)  # WhiteNoise then serves from the finders, as in development
def test_static_files_are_served_before_and_without_no_store(client, iro):
    client.force_login(iro.user)
    response = client.get("/static/build/init.js")
    if response.status_code == 404:  # WhiteNoise read its file list at start-up, without DEBUG
        pytest.skip("static files not collected in this environment")
    assert response["Cache-Control"] != "no-store"


def test_the_api_docs_load_nothing_from_another_site(client, iro):
    client.force_login(iro.user)
    response = client.get("/api/docs/")
    html = response.content.decode()

    assert response.status_code == 200
    urls = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert urls
    assert not [u for u in urls if "//" in u]
    scripts = re.findall(r'<script\b[^>]*?src="([^"]+)"', html)
    static = [u for u in scripts if u.startswith("/static/")]
    assert {u.rsplit("/", 1)[1] for u in static} == {
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
    }
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url
    # Its start-up script is a request of its own, not inline.
    assert re.search(r"<script>", html) is None
    [init] = [u for u in scripts if not u.startswith("/static/")]
    script = client.get(init.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
