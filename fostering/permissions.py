"""Who may do what with foster carer households and their reviews.

Collected by core.roles into the role groups after every migrate."""

from core.roles import Role, model_perms

VIEWABLE = ["fostercarerhousehold", "fostercarerreview"]

GRANTS = {
    Role.IRO: model_perms("fostering", view=VIEWABLE),
    # Business support record households and their reviews.
    Role.BUSINESS_SUPPORT: model_perms("fostering", view=VIEWABLE, add=VIEWABLE, change=VIEWABLE),
    Role.HEAD_OF_SERVICE: model_perms("fostering", view=VIEWABLE),
}
