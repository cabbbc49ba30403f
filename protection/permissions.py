"""Who may do what in the child protection area.

Collected by core.roles into the role groups after every migrate."""

from core.roles import Role, model_perms

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
