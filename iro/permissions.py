"""Who may do what to people and allocation.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_business_support, is_manager
from core.request_memo import request_memoised
from core.roles import Role, model_perms
from iro.selectors import child_allocations

# Every role reads these. Business support add children and families, and give a child
# who has no IRO their first one (the unallocated list); the Head of Service moves a
# child from one IRO to another.
VIEWABLE = ["child", "family", "independentreviewingofficer", "iroallocation", "plannedmove"]

GRANTS = {
    Role.IRO: model_perms("iro", view=VIEWABLE),
    Role.BUSINESS_SUPPORT: model_perms(
        "iro",
        view=VIEWABLE,
        add=["child", "family", "iroallocation"],
        change=["child", "family"],
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
    # Asked once per button a page decides on: once per request (iro.services clears it
    # when an allocation changes), from the child's allocations if the page read them.
    read = child_allocations.if_read(child)
    if read is not None:
        return any(a.ended_on is None and a.iro.user_id == user.pk for a in read)
    return request_memoised(
        ("holds_child", user.pk, child.pk),
        lambda: child.allocations.filter(ended_on__isnull=True, iro__user=user).exists(),
    )


def is_chair_of(meeting, user) -> bool:
    """The user chairs the meeting (a booked review or a conference)."""
    return meeting is not None and meeting.chair_id is not None and meeting.chair.user_id == user.pk


# Correcting a child's own details (name, date of birth, sex, UPN...): business support,
# the Head of Service and administrators for any child, an IRO for the child they hold.
rules.add_perm("iro.correct_child_details", is_manager | is_business_support | holds_child)


@rules.predicate
def child_unrestricted(user, child) -> bool:
    return child is not None and not child.restricted


# A restricted record opens without a reason for the child's IRO and managers only;
# anyone else gives a reason first (worklists.views.restricted), which is audited.
rules.add_perm("iro.open_child_unasked", child_unrestricted | is_manager | holds_child)
# Restricting a record, or lifting it: the Head of Service and administrators.
rules.add_perm("iro.restrict_child", is_manager)

# Putting a child on legal hold (kept from the retention job) or taking them off it: the
# Head of Service and administrators.
rules.add_perm("iro.set_legal_hold", is_manager)
