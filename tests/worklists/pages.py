"""The worklists area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records)."""

from tests.core.page_roles import ALL, HEAD

PAGES = {
    "home": (ALL, {}),
    "deadlines": (ALL, {}),
    "schedule": (ALL, {}),
    "schedule_week": (ALL, {}),
    "children:caseload": (ALL, {}),
    "children:allocation": (ALL, {}),
    "children:child_detail": (ALL, {"child_id": "child"}),
    "children:reallocate": (HEAD, {"child_id": "child"}),
    "children:access": (HEAD, {"child_id": "child"}),
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    return {}
