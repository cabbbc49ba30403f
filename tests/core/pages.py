"""The core area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records)."""

from tests.core.page_roles import ALL

PAGES = {
    "account": (ALL, {}),
    "password_change": (ALL, {}),
    "password_change_done": (ALL, {}),
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    return {}
