"""Who may do what to people and allocation.

Collected by core.roles into the role groups after every migrate."""

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
