"""The reviews area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records)."""

from tests.core.page_roles import BOOKING, HEAD, IRO_WORK

PAGES = {
    # The Head of Service may record for the chair (reviews/permissions.py).
    "reviews:review_record": (IRO_WORK | HEAD, {"child_id": "child"}),
    "reviews:review_record_booked": (
        IRO_WORK | HEAD,
        {"child_id": "child", "review_pk": "booked"},
    ),
    "reviews:circulation": (IRO_WORK | {"business_support"}, {"review_pk": "held"}),
    "reviews:contact_record": ({"iro"}, {"child_id": "child"}),
    "reviews:review_book": (IRO_WORK | BOOKING, {"child_id": "child"}),
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    return {}
