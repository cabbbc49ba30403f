"""Who may do what to people and allocation.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.roles import Role, model_perms

# Every role reads these; the Head of Service allocates.
VIEWABLE = ["child", "family", "independentreviewingofficer", "iroallocation"]

GRANTS = {
    Role.IRO: model_perms("iro", view=VIEWABLE),
    Role.BUSINESS_SUPPORT: model_perms(
        "iro", view=VIEWABLE, add=["child", "family"], change=["child", "family"]
    ),
    Role.HEAD_OF_SERVICE: model_perms(
        "iro",
        view=VIEWABLE,
        add=["iroallocation", "independentreviewingofficer"],
        change=["iroallocation", "independentreviewingofficer"],
    ),
}


@rules.predicate
def holds_child(user, child) -> bool:
    """The user is the IRO the child is allocated to now."""
    if child is None or not user.is_authenticated:
        return False
    return child.allocations.filter(ended_on__isnull=True, iro__user=user).exists()


def is_chair_of(meeting, user) -> bool:
    """The user chairs the meeting (a booked review or a conference)."""
    return meeting is not None and meeting.chair_id is not None and meeting.chair.user_id == user.pk
