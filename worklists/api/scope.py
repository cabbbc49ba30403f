"""Who may read what through the API: the scope the pages show each person.

An IRO reads the children they hold now (`iro.selectors.children_held_by`) and what hangs
off them; business support, the Head of Service and administrators read the unit.
"""

from __future__ import annotations

from django.db.models import QuerySet

from core.permissions import UNIT_WIDE_ROLES, is_manager
from core.roles import user_roles
from iro.models import Child
from iro.selectors import children_held_by


def scoped_user_id(user) -> int | None:
    """The person whose own caseload bounds this reader, or None for the whole unit."""
    return None if user_roles(user) & {r.value for r in UNIT_WIDE_ROLES} else user.pk


def children_in_scope(user) -> QuerySet[Child]:
    """The children a person may read: an IRO's own caseload, the unit for the rest, but
    for restricted records (iro.restricted), which the API gives only to managers and the
    child's IRO: there is no reason to give through it."""
    user_id = scoped_user_id(user)
    children = Child.objects.all()
    if user_id is not None:
        children = children.filter(pk__in=children_held_by(user_id=user_id))
    elif not is_manager(user):
        children = children.exclude(restricted=True)
    return children.order_by("child_id", "pk")
