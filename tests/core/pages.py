"""The core area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records).
OBJECTS declares, for each page that names a record, what it asks of the record
(tests/core/page_roles.py, walked by tests/core/test_object_permissions.py)."""

from tests.core.page_roles import ALL, ObjectRule

PAGES = {
    "account": (ALL, {}),
    "password_change": (ALL, {}),
    "password_change_done": (ALL, {}),
}
OBJECTS: dict[str, ObjectRule] = {}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    return {}
