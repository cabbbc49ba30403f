"""The disputes area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records)."""

from tests.core.page_roles import ALL, HEAD, IRO_WORK

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
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    return {"dispute_stage": objects["dispute"].stages.get().pk}
