"""Who may do what in the child protection area.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_iro, is_manager
from core.roles import Role, model_perms
from iro.permissions import is_chair_of

VIEWABLE = [
    "section47enquiry",
    "childprotectionconference",
    "conferencechild",
    "conferenceinvitation",
    "childprotectionplan",
]

GRANTS = {
    # Chairs record conference outcomes and plans.
    Role.IRO: model_perms(
        "protection",
        view=VIEWABLE,
        add=["conferencechild"],
        change=["childprotectionconference", "conferencechild", "childprotectionplan"],
    ),
    # Business support record enquiries, book conferences and send invitations.
    Role.BUSINESS_SUPPORT: model_perms("protection", view=VIEWABLE, add=VIEWABLE, change=VIEWABLE),
    Role.HEAD_OF_SERVICE: model_perms("protection", view=VIEWABLE),
}


@rules.predicate
def chairs(user, conference) -> bool:
    return is_chair_of(conference, user)


# Only the chair (or a manager) records what a conference decided; business support book,
# invite and record attendance, but not outcomes.
rules.add_perm("protection.record_outcome", is_manager | (is_iro & chairs))
