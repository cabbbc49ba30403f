"""The protection area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records)."""

from tests.core.page_roles import ALL, BOOKING, HEAD, IRO_WORK

PAGES = {
    "protection:conference_book": (BOOKING, {}),
    "protection:conference": (ALL, {"pk": "conference"}),
    "protection:invite": (BOOKING, {"pk": "conference"}),
    "protection:attendance": (BOOKING, {"pk": "conference", "invitation_pk": "invitation"}),
    "protection:outcome": (IRO_WORK | HEAD, {"pk": "conference"}),
    "protection:minutes": (BOOKING, {"pk": "conference"}),
    "protection:cancel": (BOOKING, {"pk": "conference"}),
}
QUERIES: dict[str, str] = {"protection:conference_book": "?kind=initial&child={child}"}


def extend_world(objects: dict) -> dict:
    return {}
