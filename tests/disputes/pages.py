"""The disputes area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records).
OBJECTS declares, for each page that names a record, what it asks of the record
(tests/core/page_roles.py, walked by tests/core/test_object_permissions.py)."""

from tests.core.page_roles import ACTS_ON_CHILD, ALL, CHALLENGE, HEAD, IRO_WORK, READS

CORRECTING = IRO_WORK | HEAD

PAGES = {
    "disputes:list": (ALL, {}),
    "disputes:raise": ({"iro"}, {"child_id": "child"}),
    "disputes:detail": (ALL, {"pk": "dispute"}),
    "disputes:escalate": (IRO_WORK, {"pk": "dispute"}),
    "disputes:respond": (IRO_WORK, {"pk": "dispute"}),
    "disputes:resolve": (IRO_WORK, {"pk": "dispute"}),
    "disputes:cafcass": (IRO_WORK, {"pk": "dispute"}),
    "disputes:withdraw": (IRO_WORK, {"pk": "dispute"}),
    # Correcting: the raising IRO or a manager (disputes.act_on_dispute).
    "disputes:correct": (CORRECTING, {"pk": "dispute"}),
    "disputes:stage_correct": (CORRECTING, {"pk": "dispute", "stage_pk": "dispute_stage"}),
}
OBJECTS = {
    "disputes:raise": ACTS_ON_CHILD,
    "disputes:detail": READS,
    "disputes:escalate": CHALLENGE,
    "disputes:respond": CHALLENGE,
    "disputes:resolve": CHALLENGE,
    "disputes:cafcass": CHALLENGE,
    "disputes:withdraw": CHALLENGE,
    "disputes:correct": CHALLENGE,
    "disputes:stage_correct": CHALLENGE,
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    return {"dispute_stage": objects["dispute"].stages.get().pk}
