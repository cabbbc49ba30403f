"""Who may do what in the child protection area.

Collected by core.roles into the role groups after every migrate."""

import rules

from core.permissions import is_business_support, is_iro
from core.roles import Role, model_perms, user_roles
from iro.permissions import is_chair_of

VIEWABLE = [
    "section47enquiry",
    "transferin",
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
    # Business support record referrals (the strategy discussion and section 47 enquiry)
    # and transfers in, book conferences and send invitations.
    Role.BUSINESS_SUPPORT: model_perms("protection", view=VIEWABLE, add=VIEWABLE, change=VIEWABLE),
    Role.HEAD_OF_SERVICE: model_perms("protection", view=VIEWABLE),
}


@rules.predicate
def is_head_of_service(user) -> bool:
    return Role.HEAD_OF_SERVICE.value in user_roles(user)


@rules.predicate
def chairs(user, conference) -> bool:
    return is_chair_of(conference, user)


@rules.predicate
def deputises(user, conference) -> bool:
    """The user is the conference's named deputy chair."""
    return (
        conference is not None
        and conference.deputy_chair_id is not None
        and conference.deputy_chair.user_id == user.pk
    )


# Only the chair, the named deputy or the Head of Service records what a conference
# decided; business support book, invite and record attendance, but not outcomes.
rules.add_perm("protection.record_outcome", is_head_of_service | (is_iro & (chairs | deputises)))


@rules.predicate
def may_record_for_conference(user, decision) -> bool:
    """The same people as for the outcome, of the decision's conference."""
    return decision is not None and user.has_perm("protection.record_outcome", decision.conference)


# A conference's decisions: marked done, corrected or withdrawn by those who record outcomes.
rules.add_perm("protection.update_decision", may_record_for_conference)


def _holds_perm(name: str) -> rules.Predicate:
    def holds(user) -> bool:
        return user.has_perm(name)

    return rules.Predicate(holds, name=f"holds_{name}")


@rules.predicate
def is_administrator(user) -> bool:
    return Role.ADMINISTRATOR.value in user_roles(user)


# Business support (and administrators) book, move and cancel conferences, invite, record
# attendance and the minutes: the pages ask these, and the conference page shows a link
# only to someone they allow.
is_booker = is_business_support | is_administrator
rules.add_perm(
    "protection.manage_conference",
    is_booker & _holds_perm("protection.change_childprotectionconference"),
)
rules.add_perm(
    "protection.manage_invitations",
    is_booker & _holds_perm("protection.change_conferenceinvitation"),
)
rules.add_perm(
    "protection.record_referral", is_booker & _holds_perm("protection.add_section47enquiry")
)
# Correcting or withdrawing what started the clock (a referral's section 47 enquiry, a
# transfer-in notice): those who record them.
rules.add_perm(
    "protection.correct_referral", is_booker & _holds_perm("protection.change_section47enquiry")
)
rules.add_perm(
    "protection.correct_transfer_in", is_booker & _holds_perm("protection.change_transferin")
)
