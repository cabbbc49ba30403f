"""The reviews area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records).
OBJECTS declares, for each page that names a record, what it asks of the record
(tests/core/page_roles.py, walked by tests/core/test_object_permissions.py)."""

import datetime as dt

from core.services import today
from reviews.invitations import review_invitation_add
from reviews.models import ReviewDecision, ReviewInvitation
from reviews.services import iro_contact_record
from tests.core.page_roles import (
    ACTS_ON_CHILD,
    BOOKING,
    BOOKS_REVIEW,
    HEAD,
    HELD_REVIEW,
    IRO_WORK,
    RECORDS_REVIEW,
    WROTE_IT,
)

# Business support and the child's IRO record entries to care (reviews/permissions.py).
CARE = {"iro", "business_support", "administrator"}

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
    "reviews:review_reschedule": (IRO_WORK | BOOKING, {"review_pk": "booked"}),
    "reviews:review_cancel": (IRO_WORK | BOOKING, {"review_pk": "booked"}),
    # A booked review's invitations: whoever may book it (reviews/invitation_views.py).
    "reviews:review_invite": (IRO_WORK | BOOKING, {"review_pk": "booked"}),
    "reviews:review_invitation_withdraw": (
        IRO_WORK | BOOKING,
        {"invitation_pk": "review_invitation"},
    ),
    "reviews:review_invitation_correct": (
        IRO_WORK | BOOKING,
        {"invitation_pk": "review_invitation"},
    ),
    # A held review's invitation: who attended (reviews/invitation_views.py).
    "reviews:review_invitation_attendance": (
        IRO_WORK | BOOKING,
        {"invitation_pk": "held_review_invitation"},
    ),
    "reviews:review_invitation_send_again": (
        IRO_WORK | BOOKING,
        {"invitation_pk": "review_invitation"},
    ),
    "reviews:review_invitation_letter": (
        IRO_WORK | BOOKING,
        {"invitation_pk": "review_invitation"},
    ),
    # A held review's details: its chair, the child's IRO, or a manager.
    "reviews:review_correct": (IRO_WORK | HEAD, {"review_pk": "held"}),
    "reviews:decision_done": (IRO_WORK | HEAD, {"decision_pk": "decision"}),
    "reviews:decision_correct": (IRO_WORK | HEAD, {"decision_pk": "decision"}),
    "reviews:decision_withdraw": (IRO_WORK | HEAD, {"decision_pk": "decision"}),
    # A contact: its author, or a manager.
    "reviews:contact_correct": (IRO_WORK | HEAD, {"contact_pk": "contact"}),
    "reviews:contact_withdraw": (IRO_WORK | HEAD, {"contact_pk": "contact"}),
    "reviews:care_question": (
        CARE,
        {"child_id": "child", "journey": "care_journey", "question": "care_question"},
    ),
    "reviews:care_check": (CARE, {"child_id": "child", "journey": "care_journey"}),
    # Correcting or withdrawing an episode: whoever records the child's care.
    "reviews:episode_correct": (CARE, {"episode_pk": "episode"}),
    "reviews:episode_withdraw": (CARE, {"episode_pk": "episode"}),
}
OBJECTS = {
    "reviews:review_record": RECORDS_REVIEW,
    "reviews:review_record_booked": RECORDS_REVIEW,
    "reviews:circulation": HELD_REVIEW,
    "reviews:contact_record": ACTS_ON_CHILD,
    "reviews:review_book": BOOKS_REVIEW,
    "reviews:review_reschedule": BOOKS_REVIEW,
    "reviews:review_cancel": BOOKS_REVIEW,
    "reviews:review_invite": BOOKS_REVIEW,
    "reviews:review_invitation_withdraw": BOOKS_REVIEW,
    "reviews:review_invitation_correct": BOOKS_REVIEW,
    "reviews:review_invitation_attendance": BOOKS_REVIEW,
    "reviews:review_invitation_send_again": BOOKS_REVIEW,
    "reviews:review_invitation_letter": BOOKS_REVIEW,
    "reviews:review_correct": HELD_REVIEW,
    "reviews:decision_done": HELD_REVIEW,
    "reviews:decision_correct": HELD_REVIEW,
    "reviews:decision_withdraw": HELD_REVIEW,
    "reviews:contact_correct": WROTE_IT,
    "reviews:contact_withdraw": WROTE_IT,
    "reviews:care_question": ACTS_ON_CHILD,
    "reviews:care_check": ACTS_ON_CHILD,
    "reviews:episode_correct": ACTS_ON_CHILD,
    "reviews:episode_withdraw": ACTS_ON_CHILD,
}
QUERIES: dict[str, str] = {}


def extend_world(objects: dict) -> dict:
    held = objects["held"]
    decision = ReviewDecision.objects.create(
        review=held, action="Arrange a dental check", owner="Social worker", due_on=today()
    )
    contact = iro_contact_record(
        child=objects["child"],
        iro=objects["iro"],
        occurred_on=today() - dt.timedelta(days=10),
        kind="visit",
    )
    invitation = review_invitation_add(
        review=objects["booked"],
        name="Alex Example",
        kind="carer",
        role="Foster carer",
        delivery="post",
        address="1 Example Street\nTown",
    )
    # Invited before the review was held (as a held review takes no new invitations).
    held_invitation = ReviewInvitation.objects.create(
        review=held, name="Pat Example", name_key="pat example", kind="parent", role="Mother"
    )
    return {
        "review_invitation": invitation.pk,
        "held_review_invitation": held_invitation.pk,
        "episode": objects["child"].episodes.get().pk,
        "decision": decision.pk,
        "contact": contact.pk,
        # The world's child is looked after: a change of placement or legal status.
        "care_journey": "change",
        "care_question": "what",
    }
