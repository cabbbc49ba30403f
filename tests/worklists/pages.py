"""The worklists area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records).
OBJECTS declares, for each page that names a record, what it asks of the record
(tests/core/page_roles.py, walked by tests/core/test_object_permissions.py)."""

import datetime as dt

from core.services import today
from iro.services import iro_allocate
from tests.core.page_roles import ACTS_ON_CHILD, ALL, HEAD, MANAGES, READS
from tests.factories import ChildFactory, IROFactory

# Business support give a child with no IRO their first; the Head of Service moves.
ALLOCATING = {"business_support", "head_of_service", "administrator"}
# Business support add children (iro.permissions GRANTS).
ADDING = {"business_support", "administrator"}

PAGES = {
    "home": (ALL, {}),
    "deadlines": (ALL, {}),
    "schedule": (ALL, {}),
    "schedule_week": (ALL, {}),
    "search": (ALL, {}),
    "children:caseload": (ALL, {}),
    "children:allocation": (ALL, {}),
    "children:unallocated": (ALLOCATING, {}),
    "children:new": (ADDING, {}),
    "children:new_step": (ADDING, {"step": "new_child_step"}),
    "children:new_check": (ADDING, {}),
    "children:child_detail": (ALL, {"child_id": "child"}),
    "children:reallocate": (HEAD, {"child_id": "child"}),
    "children:planned_move_cancel": (HEAD, {"child_id": "moving"}),
    "children:access": (HEAD, {"child_id": "child"}),
    "children:restriction": (HEAD, {"child_id": "child"}),
    # Business support, the Head of Service, and the world's IRO, who holds the child.
    "children:details_correct": (ALL, {"child_id": "child"}),
    # The Head of Service and administrators (iro.permissions, iro.set_legal_hold).
    "children:legal_hold": (HEAD, {"child_id": "child"}),
}
OBJECTS = {
    "children:child_detail": READS,
    "children:reallocate": MANAGES,
    "children:planned_move_cancel": MANAGES,
    "children:access": MANAGES,
    "children:restriction": MANAGES,
    "children:details_correct": ACTS_ON_CHILD,
    "children:legal_hold": MANAGES,
}
QUERIES: dict[str, str] = {"search": "?q=W1"}


def extend_world(objects: dict) -> dict:
    """A child held by the world's IRO with a move to another IRO waiting for its day."""
    moving = ChildFactory(child_id="W2", family=objects["family"])
    iro_allocate(child=moving, iro=objects["iro"], started_on=today() - dt.timedelta(days=30))
    iro_allocate(
        child=moving,
        iro=IROFactory(),
        started_on=today() + dt.timedelta(days=14),
        reason="A new starter takes the family",
    )
    return {"moving": moving.child_id, "new_child_step": "date"}
