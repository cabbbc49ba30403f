"""A day's load on the demo unit: IROs, business support and the Head of Service signed
in at once, each opening the pages their role uses (`make load` runs it headless on
loopback and prints requests/s, p50/p95 and errors).

Every user signs in once with the demo's shared password, then works through their
pages with a few seconds' thought between clicks.
"""

from __future__ import annotations

import itertools
import os
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "oversight-demo")
IROS = [f"iro{n}" for n in range(1, 7)]
# Mostly IROs, as in a unit; business support and the Head of Service beside them.
ROTA = itertools.cycle([*IROS, "support", *IROS, "head"])
CHILD_LINK = re.compile(r'href="(/children/[^/"?]+/)"')
NOT_CHILDREN = {"new", "allocation", "unallocated"}


class UnitMember(HttpUser):
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.username = next(ROTA)
        login = self.client.get("/accounts/login/", name="sign in (page)")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": login.url},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} could not sign in ({response.status_code})")
        self.children: list[str] = []

    @task(6)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(4)
    def caseload(self) -> None:
        page = self.client.get("/children/", name="caseload")
        self.children = [
            link for link in CHILD_LINK.findall(page.text) if link.split("/")[2] not in NOT_CHILDREN
        ]

    @task(6)
    def child_record(self) -> None:
        if not self.children:
            return self.caseload()
        child, *rest = self.children
        self.children = [*rest, child]  # the next child next time
        self.client.get(child, name="child record")

    @task(2)
    def deadlines(self) -> None:
        self.client.get("/deadlines/", name="deadlines")

    @task(2)
    def schedule(self) -> None:
        if self.username in ("support", "head"):
            self.client.get("/schedule/", name="schedule")

    @task(1)
    def dashboard(self) -> None:
        if self.username == "head":
            self.client.get("/dashboard/", name="dashboard")

    @task(1)
    def api_deadlines(self) -> None:
        self.client.get("/api/v1/deadlines/", name="api v1 deadlines")
