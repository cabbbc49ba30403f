"""Who may do what with foster carer households and their reviews.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_manager
from core.roles import Role, model_perms

VIEWABLE = [
    "fostercarerhousehold",
    "fostercarerreview",
    "approvaltermschange",
    "carerreviewcorrection",
]

GRANTS = {
    Role.IRO: model_perms("fostering", view=VIEWABLE),
    # Business support record households, their approval and their reviews.
    Role.BUSINESS_SUPPORT: model_perms(
        "fostering",
        view=VIEWABLE,
        add=VIEWABLE,
        change=["fostercarerhousehold", "fostercarerreview"],
    ),
    Role.HEAD_OF_SERVICE: model_perms("fostering", view=VIEWABLE),
}


@rules.predicate
def records_carer_reviews(user) -> bool:
    return user.has_perm("fostering.change_fostercarerreview")


@rules.predicate
def recorded_review(user, review) -> bool:
    """The person who recorded the review."""
    return review.recorded_by_id is not None and review.recorded_by_id == user.pk


# Correcting or withdrawing a recorded review: its author, or a manager.
rules.add_perm(
    "fostering.correct_carer_review", is_manager | (records_carer_reviews & recorded_review)
)
