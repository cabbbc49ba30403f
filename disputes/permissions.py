"""Who may do what in dispute resolution.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_iro, is_manager
from core.roles import Role, model_perms
from iro.permissions import holds_child

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


@rules.predicate
def owns_challenge(user, dispute) -> bool:
    """The IRO who raised the challenge, or the IRO who holds the child now."""
    return dispute.raised_by.user_id == user.pk or holds_child(user, dispute.child)


# Raising a challenge about a child's plan (object: the child): the IRO who holds the
# child (the view also asks for an IRO's profile: the individual IRO raises it).
rules.add_perm("disputes.raise_dispute", is_iro & holds_child)
# Escalating, recording responses, resolving, referring and withdrawing a challenge.
rules.add_perm("disputes.act_on_dispute", is_manager | (is_iro & owns_challenge))
