"""The unit's four roles and what each may do.

Roles are Django groups kept in step with ROLE_PERMISSIONS after every migrate, so the
permissions are code-reviewed here rather than clicked together in the admin.
"""

from django.apps import apps as global_apps
from django.db import models

CASE_MODELS = [
    "iro.child",
    "iro.family",
    "iro.independentreviewingofficer",
    "iro.iroallocation",
    "reviews.periodofcare",
    "reviews.episode",
    "reviews.placementorder",
    "reviews.adoptionplacement",
    "reviews.lookedafterreview",
    "reviews.reviewdecision",
    "reviews.irocontact",
    "protection.section47enquiry",
    "protection.childprotectionconference",
    "protection.conferencechild",
    "protection.conferenceinvitation",
    "protection.childprotectionplan",
    "disputes.disputelevel",
    "disputes.dispute",
    "disputes.disputestage",
    "fostering.fostercarerhousehold",
    "fostering.fostercarerreview",
]


class Role(models.TextChoices):
    IRO = "iro", "Independent reviewing officer"
    BUSINESS_SUPPORT = "business_support", "Business support"
    HEAD_OF_SERVICE = "head_of_service", "Head of Service"
    ADMINISTRATOR = "administrator", "Administrator"


def _perms(action: str, models_: list[str]) -> set[str]:
    out = set()
    for label in models_:
        app_label, model = label.split(".")
        out.add(f"{app_label}.{action}_{model}")
    return out


ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.IRO: _perms("view", CASE_MODELS)
    | _perms(
        "add",
        [
            "reviews.lookedafterreview",
            "reviews.reviewdecision",
            "reviews.irocontact",
            "disputes.dispute",
            "disputes.disputestage",
            "protection.conferencechild",
        ],
    )
    | _perms(
        "change",
        [
            "reviews.lookedafterreview",
            "reviews.reviewdecision",
            "reviews.irocontact",
            "disputes.dispute",
            "disputes.disputestage",
            "protection.childprotectionconference",
            "protection.conferencechild",
            "protection.childprotectionplan",
        ],
    ),
    Role.BUSINESS_SUPPORT: _perms("view", CASE_MODELS)
    | _perms(
        "add",
        [
            "iro.child",
            "iro.family",
            "reviews.periodofcare",
            "reviews.episode",
            "reviews.placementorder",
            "reviews.adoptionplacement",
            "reviews.lookedafterreview",
            "protection.section47enquiry",
            "protection.childprotectionconference",
            "protection.conferencechild",
            "protection.conferenceinvitation",
            "protection.childprotectionplan",
            "fostering.fostercarerhousehold",
            "fostering.fostercarerreview",
        ],
    )
    | _perms(
        "change",
        [
            "iro.child",
            "iro.family",
            "reviews.episode",
            "reviews.placementorder",
            "reviews.adoptionplacement",
            "reviews.lookedafterreview",
            "protection.section47enquiry",
            "protection.childprotectionconference",
            "protection.conferencechild",
            "protection.conferenceinvitation",
            "protection.childprotectionplan",
            "fostering.fostercarerhousehold",
            "fostering.fostercarerreview",
        ],
    )
    | {"core.import_returns"},
    Role.HEAD_OF_SERVICE: _perms("view", CASE_MODELS)
    | _perms("add", ["iro.iroallocation", "iro.independentreviewingofficer"])
    | _perms("change", ["iro.iroallocation", "iro.independentreviewingofficer"])
    | {"core.view_unit_dashboards"},
}


def roles_sync(**kwargs) -> None:
    """Create each role's group and give it exactly the permissions listed above."""
    Group = global_apps.get_model("auth", "Group")
    Permission = global_apps.get_model("auth", "Permission")
    every = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type")
    }
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.label)
        if role == Role.ADMINISTRATOR:
            wanted = list(every.values())
        else:
            wanted = [every[name] for name in sorted(ROLE_PERMISSIONS[role]) if name in every]
        group.permissions.set(wanted)


def user_roles(user) -> set[str]:
    """The Role values a user holds (a superuser holds the administrator's)."""
    if not user.is_authenticated:
        return set()
    labels = {r.label: r.value for r in Role}
    held = {labels[g.name] for g in user.groups.all() if g.name in labels}
    if user.is_superuser:
        held.add(Role.ADMINISTRATOR.value)
    return held
