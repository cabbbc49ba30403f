"""Who may do what in the looked-after area.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_business_support, is_iro, is_manager
from core.roles import Role, model_perms
from iro.permissions import holds_child, is_chair_of
from reviews.models import LookedAfterReview

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
    # IROs record reviews, their decisions and their own contacts with the child.
    Role.IRO: model_perms(
        "reviews",
        view=VIEWABLE,
        add=["lookedafterreview", "reviewdecision", "irocontact"],
        change=["lookedafterreview", "reviewdecision", "irocontact"],
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


# A review (object: the child, or the booked review), a contact (object: the child).
rules.add_perm("reviews.record_review", is_manager | (is_iro & answers_for))
rules.add_perm("reviews.record_contact", is_manager | (is_iro & answers_for))
# When a held review's decisions and record went out: its chair, the child's IRO, or the
# business support who sent them.
rules.add_perm(
    "reviews.record_circulation", is_manager | is_business_support | (is_iro & answers_for)
)
