"""Who may do what in the looked-after area.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_business_support, is_iro, is_manager
from core.roles import Role, model_perms
from iro.permissions import holds_child, is_chair_of
from reviews.models import IROContact, LookedAfterReview, ReviewDecision
from reviews.selectors import child_reviews

VIEWABLE = [
    "periodofcare",
    "episode",
    "placementorder",
    "adoptionplacement",
    "lookedafterreview",
    "reviewdecision",
    "irocontact",
]

GRANTS = {
    # IROs record reviews, their decisions and their own contacts with the child, and
    # (for the children they hold) a child's entry to care and its changes.
    Role.IRO: model_perms(
        "reviews",
        view=VIEWABLE,
        add=["periodofcare", "episode", "lookedafterreview", "reviewdecision", "irocontact"],
        change=["episode", "lookedafterreview", "reviewdecision", "irocontact"],
    ),
    # Business support record entries to care and book reviews.
    Role.BUSINESS_SUPPORT: model_perms(
        "reviews",
        view=VIEWABLE,
        add=["periodofcare", "episode", "placementorder", "adoptionplacement", "lookedafterreview"],
        change=["episode", "placementorder", "adoptionplacement", "lookedafterreview"],
    ),
    Role.HEAD_OF_SERVICE: model_perms("reviews", view=VIEWABLE),
}


@rules.predicate
def answers_for(user, record) -> bool:
    """A booked review is its chair's to record; anything else about a child is the
    allocated IRO's."""
    if isinstance(record, LookedAfterReview):
        if record.chair_id is not None:
            return is_chair_of(record, user)
        return holds_child(user, record.child)
    return holds_child(user, record)


def _booking_order(review: LookedAfterReview) -> tuple[bool, object, int]:
    return (review.scheduled_for is None, review.scheduled_for or 0, review.pk)


@rules.predicate
def records_review_for(user, record) -> bool:
    """Who records a review's outcome: a booked review's chair. For a child (recording a
    review not reached through its booking) the chair of the child's booked review, so the
    booking is recorded by its chair whichever link is followed; with none, the child's IRO."""
    if not isinstance(record, LookedAfterReview):
        read = child_reviews.if_read(record)  # the child's record page has read them
        if read is not None:
            chaired = [r for r in read if r.status == "scheduled" and r.chair_id is not None]
            # The first booked, as the query below orders them (the model's order).
            booked = min(chaired, key=_booking_order, default=None)
        else:
            booked = (
                record.lac_reviews.filter(status="scheduled", chair__isnull=False)
                .select_related("chair")
                .first()
            )
        if booked is None:
            return holds_child(user, record)
        record = booked
    return answers_for(user, record)


@rules.predicate
def chairs_or_holds(user, review) -> bool:
    """The review's chair, or the IRO the child is allocated to."""
    return is_chair_of(review, user) or holds_child(user, review.child)


@rules.predicate
def answers_for_decision(user, decision: ReviewDecision) -> bool:
    """A review's decision: its chair's, or the child's IRO's."""
    return chairs_or_holds(user, decision.review)


@rules.predicate
def wrote_contact(user, contact: IROContact) -> bool:
    return contact.iro.user_id == user.pk


# A review (object: the child, or the booked review), a contact (object: the child).
rules.add_perm("reviews.record_review", is_manager | (is_iro & records_review_for))
rules.add_perm("reviews.record_contact", is_manager | (is_iro & answers_for))
# When a held review's decisions and record went out: its chair, the child's IRO, or the
# business support who sent them.
rules.add_perm(
    "reviews.record_circulation", is_manager | is_business_support | (is_iro & answers_for)
)
# Booking a child's next review (object: the child): whoever books reviews, or the IRO
# who holds the child (the model permission, reviews.add_lookedafterreview, is asked too).
rules.add_perm("reviews.book_review", is_manager | is_business_support | (is_iro & holds_child))
# Moving or cancelling a booked review (object: the review): whoever books reviews, or
# an IRO who chairs it or holds the child.
rules.add_perm(
    "reviews.change_booking", is_manager | is_business_support | (is_iro & chairs_or_holds)
)
# Correcting a held review's details (object: the review): who records it.
rules.add_perm("reviews.correct_review", is_manager | (is_iro & chairs_or_holds))
# Marking a decision done, correcting or withdrawing it (object: the decision).
rules.add_perm("reviews.update_decision", is_manager | (is_iro & answers_for_decision))
# Correcting or withdrawing a contact (object: the contact): its author or a manager.
rules.add_perm("reviews.correct_contact", is_manager | (is_iro & wrote_contact))
# Recording a child's entry to care, a change or its end (object: the child): business
# support, or the child's IRO.
rules.add_perm("reviews.record_care", is_manager | is_business_support | (is_iro & answers_for))
