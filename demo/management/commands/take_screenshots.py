"""Screenshots of the main pages for the README, taken from the running app."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# (file name, who signs in, path): the pages a newcomer should see first.
PAGES = [
    ("home-iro.png", "iro1", "/"),
    ("caseload.png", "iro1", "/children/"),
    ("child.png", "iro1", "first-child"),
    ("scheduling.png", "support", "/schedule/"),
    ("challenges.png", "iro1", "/challenges/"),
    ("fostering.png", "support", "/fostering/"),
    ("allocation.png", "head", "/children/allocation/"),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Take screenshots of the main pages (needs the demo data) into docs/screenshots/."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(settings.BASE_DIR / "docs" / "screenshots"))
        parser.add_argument("--password", default="oversight-demo")
        parser.add_argument(
            "--chromium", default=os.environ.get("OVERSIGHT_CHROMIUM", "/usr/bin/chromium")
        )

    def handle(self, *args, out, password, chromium, **options):
        from playwright.sync_api import sync_playwright

        if not Path(chromium).exists():
            raise CommandError(f"Chromium not found at {chromium}")
        from worklists.selectors import caseload_children

        # Read before Playwright starts its event loop (the ORM is synchronous).
        first = caseload_children().order_by("next_due").first()
        port = _free_port()
        env = {**os.environ, "DJANGO_DEBUG": "true"}
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(50):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            Path(out).mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                for name, username, path in PAGES:
                    if path == "first-child":
                        path = f"/children/{first.child_id}/" if first else "/children/"
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(f"{base}/accounts/login/")
                    page.fill("#id_username", username)
                    page.fill("#id_password", password)
                    page.click("button[type=submit]")
                    response = page.goto(base + path)
                    if response is None or response.status != 200:
                        raise CommandError(
                            f"{path} as {username} answered {response and response.status}"
                        )
                    page.screenshot(path=str(Path(out) / name))
                    page.close()
                    self.stdout.write(f"{name}: {path} as {username}")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
