"""Who may do what in the looked-after area.

Collected by core.roles into the role groups after every migrate."""

from core.roles import Role, model_perms

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
