"""Who may open a page, by role, for the every-URL walk (tests/core/test_every_url.py)."""

from dataclasses import dataclass
from typing import Literal

ALL = {"iro", "business_support", "head_of_service", "administrator"}
IRO_WORK = {"iro", "administrator"}
BOOKING = {"business_support", "administrator"}
HEAD = {"head_of_service", "administrator"}
IMPORTS = {"business_support", "administrator"}


# What a page that names one record (a child, a meeting, a challenge, a household, an
# import run...) asks of the record, as well as of the role: each area's OBJECTS table in
# tests/<area>/pages.py declares one of these per such page, and
# tests/core/test_object_permissions.py walks them for every role, as the IRO who holds
# the record and as another IRO, by GET and POST.
@dataclass(frozen=True)
class ObjectRule:
    says: str
    # "own": an IRO acts only on the records they hold or chair; "any": an IRO opens it
    # whoever holds the record; "none": no IRO at all (the role decides).
    iro: Literal["own", "any", "none"]


READS = ObjectRule("reads: everyone with the role, whoever holds the record", "any")
ACTS_ON_CHILD = ObjectRule(
    "acts on the child: the IRO who holds them, and the other roles the page serves", "own"
)
RECORDS_REVIEW = ObjectRule(
    "records a review: the booked review's chair (with none booked, the child's IRO), and managers",
    "own",
)
BOOKS_REVIEW = ObjectRule(
    "books, moves, cancels and invites to a review: business support, the chair or the "
    "child's IRO, and managers",
    "own",
)
HELD_REVIEW = ObjectRule(
    "a held review and its decisions: its chair or the child's IRO, and managers", "own"
)
WROTE_IT = ObjectRule("acts on what they wrote: its author, and managers", "own")
CHALLENGE = ObjectRule(
    "acts on a challenge: the IRO who raised it or holds the child, and managers", "own"
)
CHAIRS_CONFERENCE = ObjectRule(
    "records what a conference decided: its chair or named deputy, and the Head of Service",
    "own",
)
BOOKS_MEETINGS = ObjectRule(
    "books, invites and records attendance: business support and administrators, whoever chairs",
    "none",
)
UNITS_RECORD = ObjectRule(
    "the unit's records (households, returns, referrals): the role decides, no IRO acts",
    "none",
)
MANAGES = ObjectRule("managers only: the Head of Service and administrators", "none")
