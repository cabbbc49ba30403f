"""The protection area's pages in the every-URL walk (tests/core/test_every_url.py).

PAGES maps each URL name to who may open it and how its parameters come from the world;
QUERIES adds a query string; extend_world(objects) adds this area's records to the world
and returns the parameters they give (objects holds the shared world's records).
OBJECTS declares, for each page that names a record, what it asks of the record
(tests/core/page_roles.py, walked by tests/core/test_object_permissions.py)."""

import datetime as dt

from django.utils import timezone

from tests.core.page_roles import (
    ALL,
    BOOKING,
    BOOKS_MEETINGS,
    CHAIRS_CONFERENCE,
    READS,
    UNITS_RECORD,
)

# Only the chair (the world's IRO), a named deputy or the Head of Service record outcomes.
OUTCOME = {"iro", "head_of_service"}

PAGES = {
    "protection:referral": (BOOKING, {"child_id": "child"}),
    "protection:referral_outcome": (BOOKING, {"child_id": "referral_child"}),
    "protection:referral_check": (BOOKING, {"child_id": "referral_child"}),
    "protection:transfer_in": (BOOKING, {"child_id": "child"}),
    "protection:transfer_in_check": (BOOKING, {"child_id": "referral_child"}),
    "protection:enquiry_correct": (BOOKING, {"child_id": "child", "pk": "enquiry"}),
    "protection:enquiry_withdraw": (
        BOOKING,
        {"child_id": "withdrawable_child", "pk": "withdrawable_enquiry"},
    ),
    "protection:transfer_in_correct": (
        BOOKING,
        {"child_id": "transfer_child", "pk": "transfer"},
    ),
    "protection:conference_book": (BOOKING, {}),
    "protection:conference": (ALL, {"pk": "conference"}),
    "protection:reschedule": (BOOKING, {"pk": "conference"}),
    "protection:invite": (BOOKING, {"pk": "conference"}),
    "protection:attendance": (
        BOOKING,
        {"pk": "started_conference", "invitation_pk": "started_invitation"},
    ),
    "protection:invitation_correct": (BOOKING, {"pk": "conference", "invitation_pk": "invitation"}),
    "protection:invitation_withdraw": (
        BOOKING,
        {"pk": "conference", "invitation_pk": "invitation"},
    ),
    "protection:invitation_send_again": (
        BOOKING,
        {"pk": "conference", "invitation_pk": "invitation"},
    ),
    "protection:invitation_letter": (
        BOOKING,
        {"pk": "conference", "invitation_pk": "invitation"},
    ),
    "protection:reports": (BOOKING, {"pk": "conference"}),
    "protection:outcome": (OUTCOME, {"pk": "conference"}),
    "protection:outcome_correct": (OUTCOME, {"pk": "held_conference"}),
    "protection:decision_add": (OUTCOME, {"pk": "held_conference"}),
    "protection:decision_done": (OUTCOME, {"decision_pk": "conference_decision"}),
    "protection:decision_correct": (OUTCOME, {"decision_pk": "conference_decision"}),
    "protection:decision_withdraw": (OUTCOME, {"decision_pk": "conference_decision"}),
    "protection:minutes": (BOOKING, {"pk": "conference"}),
    "protection:cancel": (BOOKING, {"pk": "conference"}),
}
OBJECTS = {
    "protection:referral": UNITS_RECORD,
    "protection:referral_outcome": UNITS_RECORD,
    "protection:referral_check": UNITS_RECORD,
    "protection:transfer_in": UNITS_RECORD,
    "protection:transfer_in_check": UNITS_RECORD,
    "protection:enquiry_correct": UNITS_RECORD,
    "protection:enquiry_withdraw": UNITS_RECORD,
    "protection:transfer_in_correct": UNITS_RECORD,
    "protection:conference_book": BOOKS_MEETINGS,
    "protection:conference": READS,
    "protection:reschedule": BOOKS_MEETINGS,
    "protection:invite": BOOKS_MEETINGS,
    "protection:attendance": BOOKS_MEETINGS,
    "protection:invitation_correct": BOOKS_MEETINGS,
    "protection:invitation_withdraw": BOOKS_MEETINGS,
    "protection:invitation_send_again": BOOKS_MEETINGS,
    "protection:invitation_letter": BOOKS_MEETINGS,
    "protection:reports": BOOKS_MEETINGS,
    "protection:outcome": CHAIRS_CONFERENCE,
    "protection:outcome_correct": CHAIRS_CONFERENCE,
    "protection:decision_add": CHAIRS_CONFERENCE,
    "protection:decision_done": CHAIRS_CONFERENCE,
    "protection:decision_correct": CHAIRS_CONFERENCE,
    "protection:decision_withdraw": CHAIRS_CONFERENCE,
    "protection:minutes": BOOKS_MEETINGS,
    "protection:cancel": BOOKS_MEETINGS,
}
QUERIES: dict[str, str] = {"protection:conference_book": "?kind=initial&child={child}"}


def extend_world(objects: dict) -> dict:
    """A child part-way through recording a referral (the question pages keep answers in
    the session, so the later pages open for anyone, showing the first question again
    when it has not been answered), and a conference that has started, whose attendance
    can be recorded."""
    from protection.services import (
        ChildOutcome,
        conference_book,
        conference_decision_add,
        conference_record_held,
        invitation_add,
        section47_start,
        transfer_in_notify,
    )
    from tests.factories import ChildFactory

    sibling = ChildFactory(
        child_id="WP1", family=objects["family"], date_of_birth=dt.date(2014, 1, 1)
    )
    section47_start(
        child=sibling, strategy_discussion_on=timezone.localdate() - dt.timedelta(days=4)
    )
    started = conference_book(
        kind="initial",
        children=[sibling],
        scheduled_for=timezone.now() - dt.timedelta(hours=1),
        venue="Civic Centre",
        chair=objects["iro"],
    )
    invitation = invitation_add(conference=started, name="A Carer", kind="family", role="Aunt")
    held_child = ChildFactory(
        child_id="WP2", family=objects["family"], date_of_birth=dt.date(2015, 1, 1)
    )
    section47_start(
        child=held_child, strategy_discussion_on=timezone.localdate() - dt.timedelta(days=6)
    )
    held = conference_book(
        kind="initial",
        children=[held_child],
        scheduled_for=timezone.now() - dt.timedelta(days=2),
        venue="Civic Centre",
        chair=objects["iro"],
    )
    conference_record_held(
        conference=held,
        held_on=timezone.localdate() - dt.timedelta(days=2),
        outcomes=[ChildOutcome(child=held_child, outcome="no_plan")],
        chair=objects["iro"],
    )
    decision = conference_decision_add(
        conference=held,
        action="Arrange a medical",
        owner="Social worker",
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    # An enquiry with no conference (it may be withdrawn), and a child moving here.
    withdrawable_child = ChildFactory(child_id="WP3", date_of_birth=dt.date(2016, 1, 1))
    withdrawable = section47_start(
        child=withdrawable_child, strategy_discussion_on=timezone.localdate() - dt.timedelta(days=3)
    )
    transfer_child = ChildFactory(child_id="WP4", date_of_birth=dt.date(2013, 1, 1))
    transfer = transfer_in_notify(
        child=transfer_child,
        notified_on=timezone.localdate() - dt.timedelta(days=1),
        from_council="Northshire",
    )
    return {
        "enquiry": objects["child"].section47_enquiries.get().pk,
        "withdrawable_child": withdrawable_child.child_id,
        "withdrawable_enquiry": withdrawable.pk,
        "transfer_child": transfer_child.child_id,
        "transfer": transfer.pk,
        "held_conference": held.pk,
        "conference_decision": decision.pk,
        "referral_child": objects["child"].child_id,
        "started_conference": started.pk,
        "started_invitation": invitation.pk,
    }
