"""Who may do what in dispute resolution.

Collected by core.roles into the role groups after every migrate."""

from core.roles import Role, model_perms

VIEWABLE = ["disputelevel", "dispute", "disputestage"]

GRANTS = {
    # IROs raise and escalate challenges.
    Role.IRO: model_perms(
        "disputes",
        view=VIEWABLE,
        add=["dispute", "disputestage"],
        change=["dispute", "disputestage"],
    ),
    Role.BUSINESS_SUPPORT: model_perms("disputes", view=VIEWABLE),
    Role.HEAD_OF_SERVICE: model_perms("disputes", view=VIEWABLE),
}
