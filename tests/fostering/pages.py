"""The fostering area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records).
OBJECTS declares, for each page that names a record, what it asks of the record
(tests/core/page_roles.py, walked by tests/core/test_object_permissions.py)."""

import datetime as dt

from core.services import today
from fostering.services import carer_review_record
from tests.core.page_roles import ALL, BOOKING, HEAD, MANAGES, READS, UNITS_RECORD

PAGES = {
    "fostering:list": (ALL, {}),
    "fostering:household": (ALL, {"reference": "household"}),
    "fostering:review": (BOOKING, {"reference": "household"}),
    "fostering:add": (BOOKING, {}),
    "fostering:add_terms": (BOOKING, {}),
    "fostering:add_check": (BOOKING, {}),
    "fostering:details": (BOOKING, {"reference": "household"}),
    "fostering:terms": (BOOKING, {"reference": "household"}),
    "fostering:end": (BOOKING, {"reference": "household"}),
    # The world's review was recorded by nobody in the walk: only a manager may correct it
    # (its author may too: tests/fostering/test_views.py).
    "fostering:review_correct": (HEAD, {"reference": "household", "pk": "carer_review"}),
    "fostering:review_withdraw": (HEAD, {"reference": "household", "pk": "carer_review"}),
}
OBJECTS = {
    "fostering:household": READS,
    "fostering:review": UNITS_RECORD,
    "fostering:details": UNITS_RECORD,
    "fostering:terms": UNITS_RECORD,
    "fostering:end": UNITS_RECORD,
    "fostering:review_correct": MANAGES,
    "fostering:review_withdraw": MANAGES,
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    review, _ = carer_review_record(
        household=objects["household"],
        held_on=today() - dt.timedelta(days=30),
        reviewing_officer=None,
        referred_to_panel=True,
        recommendation="Continued approval.",
    )
    return {"carer_review": review.pk}
