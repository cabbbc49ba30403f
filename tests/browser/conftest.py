"""Browser journeys in real headless Chromium (Debian's, driven by Playwright).

No browser is downloaded: Playwright launches the system Chromium through
`executable_path`. Every page a journey visits is scanned with axe-core (from the npm
registry) for WCAG 2.2 AA violations.
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("OVERSIGHT_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery staple"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls
# (and the test database's set-up) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, fast_password_hashing):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def fill_date(page, name: str, day: dt.date | None) -> None:
    """Type a date into a GOV.UK date input (empty for None)."""
    values = (day.day, day.month, day.year) if day else ("", "", "")
    for part, value in zip(("0", "1", "2"), values, strict=True):
        page.locator(f"#id_{name}_{part}").fill(str(value))


def assert_accessible(page) -> None:
    """Fail with the details if axe-core finds any WCAG 2.2 AA violation on the page."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci`")
    # Evaluated, not added as a <script>: the pages' CSP refuses inline script (ADR 0009).
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert violations == [], f"{page.url}:\n{json.dumps(violations, indent=2)}"
    # Each link in a GOV.UK error summary must lead to the field it names.
    broken = page.evaluate(
        """() => [...document.querySelectorAll('.govuk-error-summary a[href^="#"]')]
            .map(a => a.getAttribute('href').slice(1))
            .filter(id => !document.getElementById(id))"""
    )
    assert broken == [], f"{page.url}: error summary links to missing fields {broken}"
